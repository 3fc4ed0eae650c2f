#!/bin/sh
# nightly.sh: the night's routine.  Import new lead files, give the new
# leads owners by the config's assignment rules (each owner gets a
# first-contact task), then print the reminder list, which cron mails to
# MAILTO.
#
# usage: nightly.sh [FILE...]
#
# With no FILE, every *.csv and *.tsv file in the drop directory
# ($CRM_DROP, default ~/crm-drop) is imported, oldest first, and moved to
# its done/ subdirectory once its leads are in.  A file that fails to
# import stops the run with the importer's exit status and stays where it
# is (the import is all or nothing): fix it, and the next run takes it.
# CRM_DB, CRM_CONFIG and CRM_USER (an admin or a manager) are as for every
# crm tool; PATH must reach them.
set -eu

drop=${CRM_DROP:-${HOME:-.}/crm-drop}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# import_file FILE: import it and assign what it brought; the ids go
# through a file, not a pipe, so a failed import is a failed run
import_file() {
	crm-lead import -q "$1" >"$tmp/ids"
	if [ "$(wc -l <"$tmp/ids")" -gt 1 ]; then
		crm-assign -q <"$tmp/ids" >"$tmp/assigned"
		printf '%s: %d leads imported and assigned\n' "$1" "$(($(wc -l <"$tmp/assigned") - 1))"
	else
		printf '%s: no new leads\n' "$1"
	fi
}

if [ $# -gt 0 ]; then
	for f in "$@"; do
		import_file "$f"
	done
elif [ -d "$drop" ]; then
	mkdir -p "$drop/done"
	# oldest first: ls -tr; names with newlines are not lead files
	ls -tr "$drop" | while IFS= read -r name; do
		case $name in
		*.csv | *.tsv) [ -f "$drop/$name" ] && echo "$name" ;;
		esac
	done >"$tmp/files"
	while IFS= read -r name; do
		import_file "$drop/$name"
		mv "$drop/$name" "$drop/done/$(date +%Y%m%d-%H%M%S)-$name"
	done <"$tmp/files"
fi

echo
crm-task remind -f table
