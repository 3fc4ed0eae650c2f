# fish completion for crm-privacy (written by completions/generate.sh)
complete -c crm-privacy -f
complete -c crm-privacy -n '__fish_use_subcommand' -a '(crm-privacy --complete=subcommands 2>/dev/null)'
complete -c crm-privacy -l phone -s p -x -d 'the person\'s phone (any written form)'
complete -c crm-privacy -l email -s e -x -d 'the person\'s e-mail address'
complete -c crm-privacy -l name -x -d 'the person\'s name'
complete -c crm-privacy -l text -s t -d 'readable text instead of JSON'
complete -c crm-privacy -l db -s d -r -F -d 'database (default $CRM_DB)'
complete -c crm-privacy -l config -s c -r -F -d 'config file (default $CRM_CONFIG)'
complete -c crm-privacy -l as -x -a '(crm-privacy --complete=logins 2>/dev/null)' -d 'act as this user'
complete -c crm-privacy -l help -s h -d 'display this help'
complete -c crm-privacy -l version -s V -d 'display version'
