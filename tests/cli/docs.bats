#!/usr/bin/env bats
# Every tool's --help, man page and completions agree: each long option in
# --help is documented in the man page and offered by the bash, zsh and
# fish completions; the completion scripts parse.

load helper

tools() {
	for src in "$TOP"/cmd/*.c; do basename "$src" .c; done
}

long_options() {	# the --options a tool's --help lists
	"$1" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u
}

@test "every long option in --help is in the man page" {
	for t in $(tools); do
		for opt in $(long_options "$t"); do
			grep -qE "^\.(It|Op|Fl).*Fl ${opt#-}( |$)" "$TOP/man/man1/$t.1" ||
				grep -qE "Fl ${opt#-}( |$)" "$TOP/man/man1/$t.1" ||
				{ echo "$t: $opt is not in man/man1/$t.1"; return 1; }
		done
	done
}

@test "every long option in --help is offered by each completion" {
	for t in $(tools); do
		for opt in $(long_options "$t"); do
			grep -q -- "$opt" "$TOP/completions/bash/crm" ||
				{ echo "bash: $t $opt missing"; return 1; }
			grep -q -- "$opt" "$TOP/completions/zsh/_crm" ||
				{ echo "zsh: $t $opt missing"; return 1; }
			grep -qE -- "-l ${opt#--}( |$)" "$TOP/completions/fish/$t.fish" ||
				{ echo "fish: $t $opt missing"; return 1; }
		done
	done
}

@test "every tool is named in the zsh #compdef line and has a fish file" {
	for t in $(tools); do
		head -n1 "$TOP/completions/zsh/_crm" | grep -qw -- "$t" || { echo "zsh: $t"; return 1; }
		[ -f "$TOP/completions/fish/$t.fish" ] || { echo "fish: $t"; return 1; }
	done
}

@test "completion scripts parse" {
	bash -n "$TOP/completions/bash/crm"
	if command -v zsh >/dev/null; then zsh -n "$TOP/completions/zsh/_crm"; fi
	if command -v fish >/dev/null; then
		for f in "$TOP"/completions/fish/*.fish; do fish -n "$f"; done
	fi
}

@test "--help fits in 80 columns and ends with the man page" {
	for t in $(tools); do
		run "$t" --help
		assert_success
		assert_line --index 0 "Usage:"
		[ "${lines[${#lines[@]}-1]}" = "See $t(1)." ] || [ "$t" = crm ] ||
			{ echo "$t: last line '${lines[${#lines[@]}-1]}'"; return 1; }
		while IFS= read -r line; do
			[ "${#line}" -le 80 ] || { echo "$t: long line: $line"; return 1; }
		done <<<"$output"
	done
}

@test "the man page's one-line description is the tool's first comment" {
	for t in $(tools); do
		nd=$(sed -n 's/^\.Nd //p' "$TOP/man/man1/$t.1")
		head -n1 "$TOP/cmd/$t.c" | grep -qF "$t: $nd" ||
			{ echo "$t: .Nd '$nd' differs from cmd/$t.c"; return 1; }
	done
}

@test "bash completion completes subcommands and live values" {
	crm-user add --login root --name Root --role admin >/dev/null
	source "$TOP/completions/bash/crm"
	COMP_WORDS=(crm-user "")
	COMP_CWORD=1
	_crm_complete crm-user
	[[ " ${COMPREPLY[*]} " == *" add "* ]]
	COMP_WORDS=(crm-user show "")
	COMP_CWORD=2
	_crm_complete crm-user
	[[ " ${COMPREPLY[*]} " == *" root "* ]]
}

@test "bash completion offers the stages after a deal id" {
	source "$TOP/completions/bash/crm"
	COMP_WORDS=(crm-stage move 7 "")
	COMP_CWORD=3
	_crm_complete
	[[ " ${COMPREPLY[*]} " == *" proposal "* ]]
	[[ " ${COMPREPLY[*]} " == *" won "* ]]
	COMP_WORDS=(crm-stage move "")
	COMP_CWORD=2
	_crm_complete
	[[ " ${COMPREPLY[*]} " != *" proposal "* ]]
}

@test "every library header compiles on its own" {
	for h in "$TOP"/lib/*.h; do
		printf '#include "%s"\n' "$(basename "$h")" |
			${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$TOP/lib" \
				-Wall -Wextra -Werror -fsyntax-only -x c - ||
			{ echo "$h does not compile on its own"; return 1; }
	done
}

@test "only the SQLite backend names sqlite3, and no header but its own" {
	run grep -rln 'sqlite3' "$TOP/lib" "$TOP/cmd"
	[ "$output" = "$TOP/lib/db_sqlite.c" ] || { echo "sqlite3 named outside the backend:"; echo "$output"; return 1; }
}
