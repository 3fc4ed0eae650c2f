# fish completion for crm (written by completions/generate.sh)
complete -c crm -f
complete -c crm -n '__fish_use_subcommand' -a 'init check backup help version' -d 'crm command'
complete -c crm -n '__fish_use_subcommand' -a '(__fish_complete_command crm- | string replace -r "^crm-" "" | string replace -r "\t.*" "")' -d 'tool'
complete -c crm -l group -s g -d 'init: share the database with a Unix group'
complete -c crm -l db -s d -r -F -d 'database (default $CRM_DB)'
complete -c crm -l config -s c -r -F -d 'config file (default $CRM_CONFIG)'
complete -c crm -l as -x -a '(crm --complete=logins 2>/dev/null)' -d 'act as this user (admins only)'
complete -c crm -l quiet -s q -d 'print less'
complete -c crm -l help -s h -d 'display this help'
complete -c crm -l version -s V -d 'display version'
