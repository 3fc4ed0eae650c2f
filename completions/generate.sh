#!/bin/sh
# Write the bash, zsh and fish completions from the tools' own --help, so
# the option lists cannot drift from the code (tests/cli/docs.bats checks
# them).  Values that live in the database or the config are not written
# here: the scripts ask the tools for them with --complete=KIND.
# usage: completions/generate.sh BINDIR     (run from the source top)
set -eu
bin=${1:-build/bin}
dir=$(cd "$(dirname "$0")" && pwd)
tools=$(for f in "$dir"/../cmd/*.c; do basename "$f" .c; done)

# "short long arg description" per option of a tool's --help
options() {
	"$bin/$1" --help | awk '
		/^  +(-[A-Za-z0-9], )?--[a-z]/ {
			line = $0; sub(/^ +/, "", line)
			short = ""
			if (line ~ /^-[A-Za-z0-9], /) { short = substr(line, 2, 1); line = substr(line, 5) }
			long = line; sub(/[ <[].*/, "", long); sub(/^--/, "", long)
			rest = substr(line, length(long) + 3)
			# an optional value (--group[=<group>]) must be attached with
			# "=": offer the option alone
			sub(/^\[=<[^>]*>\]/, "", rest)
			arg = ""
			if (rest ~ /^ <[^>]*>/) { arg = rest; sub(/^ </, "", arg); sub(/>.*/, "", arg); sub(/^ <[^>]*>/, "", rest) }
			sub(/^ +/, "", rest)
			printf "%s\t%s\t%s\t%s\n", (short == "" ? "-" : short), long, (arg == "" ? "-" : arg), rest
		}'
}

# the --complete kind for option $2 of tool $1; FILE for paths; empty for free text
kind_of() {
	case $1:$2 in
	crm-report:by|crm-roi:by) echo dimensions; return ;;
	crm-report:metric|crm-report:rank) echo metrics; return ;;
	crm-pay:contract) echo contracts; return ;;
	crm-roi:from|crm-roi:to) return ;;	# dates there
	crm-quote:status) echo quote-status; return ;;
	crm-quote:output|crm:to) echo FILE; return ;;	# crm migrate --to: a file or a connection string
	crm-quote:reason) return ;;	# free text there
	esac
	case $2 in
	format) echo formats ;;
	db|config|reject) echo FILE ;;
	as|owner|to|from|manager|by|handover-to) echo logins ;;
	team) echo teams ;;
	source) echo sources ;;
	heat) echo heat ;;
	kind) echo kinds ;;
	status) echo statuses ;;
	role) echo roles ;;
	stage) echo stages ;;
	pipeline) echo pipelines ;;
	reason) echo loss_reasons ;;
	on-duplicate) echo duplicates ;;
	fields|sort) echo fields ;;
	esac
}

var() { echo "_crm_opts_$(echo "$1" | tr - _)"; }

{
	sed -n '1,/^# --- generated options ---$/p' "$dir/bash/crm"
	for t in $tools; do
		printf "%s='%s'\n" "$(var "$t")" "$(options "$t" | awk -F'\t' '{ printf "%s--%s", (NR > 1 ? " " : ""), $2 }')"
	done
	sed -n '/^# --- end of generated options ---$/,$p' "$dir/bash/crm"
} >"$dir/bash/crm.new" && mv "$dir/bash/crm.new" "$dir/bash/crm"

{
	printf '#compdef %s\n' "$(echo $tools)"
	sed -n '2,/^# --- generated options ---$/p' "$dir/zsh/_crm"
	for t in $tools; do
		printf '%s=(\n' "$(var "$t")"
		options "$t" | while IFS='	' read -r short long arg desc; do
			desc=$(printf '%s' "$desc" | sed "s/'/'\\\\''/g; s/\\[/\\\\[/g; s/\\]/\\\\]/g; s/:/\\\\:/g")
			k=$(kind_of "$t" "$long")
			if [ "$arg" = - ]; then value=
			elif [ "$k" = FILE ]; then value=":$arg:_files"
			elif [ -n "$k" ]; then value=":$arg:_crm_values $k"
			else value=":$arg:"
			fi
			if [ "$short" = - ]; then printf "  '--%s[%s]%s'\n" "$long" "$desc" "$value"
			else printf "  '(-%s --%s)'{-%s,--%s}'[%s]%s'\n" "$short" "$long" "$short" "$long" "$desc" "$value"
			fi
		done
		printf ')\n'
	done
	sed -n '/^# --- end of generated options ---$/,$p' "$dir/zsh/_crm"
} >"$dir/zsh/_crm.new" && mv "$dir/zsh/_crm.new" "$dir/zsh/_crm"

mkdir -p "$dir/fish"
for t in $tools; do
	{
		printf '# fish completion for %s (written by completions/generate.sh)\n' "$t"
		printf 'complete -c %s -f\n' "$t"
		if [ "$t" = crm ]; then
			printf "complete -c crm -n '__fish_use_subcommand' -a 'init check backup restore migrate audit help version' -d 'crm command'\n"
			printf "complete -c crm -n '__fish_use_subcommand' -a '(__fish_complete_command crm- | string replace -r \"^crm-\" \"\" | string replace -r \"\\\\t.*\" \"\")' -d 'tool'\n"
		else
			printf "complete -c %s -n '__fish_use_subcommand' -a '(%s --complete=subcommands 2>/dev/null)'\n" "$t" "$t"
		fi
		options "$t" | while IFS='	' read -r short long arg desc; do
			desc=$(printf '%s' "$desc" | sed "s/'/\\\\'/g")
			line="complete -c $t -l $long"
			[ "$short" = - ] || line="$line -s $short"
			k=$(kind_of "$t" "$long")
			if [ "$arg" != - ]; then
				if [ "$k" = FILE ]; then line="$line -r -F"
				elif [ -n "$k" ]; then line="$line -x -a '($t --complete=$k 2>/dev/null)'"
				else line="$line -x"
				fi
			fi
			printf "%s -d '%s'\n" "$line" "$desc"
		done
	} >"$dir/fish/$t.fish"
done
