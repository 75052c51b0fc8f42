# bash completion for nsipc(8): verbs, options, named namespaces, policy
# names and container ids, read from where nsipc keeps them.

_nsipc_dir() {
    # The value of a global option given on the line, else the environment,
    # else the default.
    local opt=$1 env=$2 default=$3 i
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == "$opt" ]]; then
            printf '%s\n' "${COMP_WORDS[i + 1]}"
            return
        elif [[ ${COMP_WORDS[i]} == "$opt="* ]]; then
            printf '%s\n' "${COMP_WORDS[i]#*=}"
            return
        fi
    done
    printf '%s\n' "${!env:-$default}"
}

# Names of the files DIR/*SUFFIX, without the suffix.
_nsipc_names() {
    local dir=$1 suffix=$2 f
    for f in "$dir"/*"$suffix"; do
        [[ -e $f ]] || continue
        f=${f##*/}
        printf '%s\n' "${f%"$suffix"}"
    done
}

_nsipc() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local state policies verb='' sub='' i
    state=$(_nsipc_dir --state-dir NSIPC_STATE_DIR /run/nsipc)
    policies=$(_nsipc_dir --policy-dir NSIPC_POLICY_DIR /etc/nsipc/policies)

    # The verb (and sub-verb) is the first word that is not a global option;
    # after "--" comes a command of its own.
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --state-dir | --policy-dir | --log) ((i++)) ;;
            --) [[ $verb == run || $verb == exec ]] && { _command_offset $((i + 1)); return; } ;;
            -*) ;;
            *)
                if [[ -z $verb ]]; then verb=${COMP_WORDS[i]}
                elif [[ -z $sub && ($verb == ns || $verb == policy) ]]; then sub=${COMP_WORDS[i]}
                fi ;;
        esac
    done

    case $prev in
        --state-dir | --policy-dir | --runtime-root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --policy)
            COMPREPLY=($(compgen -W "$(_nsipc_names "$policies" .json)" -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
            return ;;
        --ns) COMPREPLY=($(compgen -W "$(_nsipc_names "$state/ns" .json)" -- "$cur")); return ;;
        --container) COMPREPLY=($(compgen -W "$(_nsipc_names "$state/containers" .json)" -- "$cur")); return ;;
        --pid) COMPREPLY=($(compgen -W "$(cd /proc && printf '%s\n' [0-9]*)" -- "$cur")); return ;;
        --min-idle | --user | -o | --output | --log) return ;;
    esac

    local words
    case $verb in
        '') words="run exec ns policy hook oci-config audit gc log --state-dir --policy-dir --log --help --version" ;;
        run) words="--policy --ns --user --keep-caps --help --" ;;
        exec) words="--pid --container --user --keep-caps --help -- $(_nsipc_names "$state/ns" .json)" ;;
        ns)
            case $sub in
                '') words="create apply list delete --help" ;;
                create | apply) words="--policy --help $(_nsipc_names "$state/ns" .json)" ;;
                delete) words="--force --help $(_nsipc_names "$state/ns" .json)" ;;
                list) words="--json --output --raw --noheadings --help" ;;
            esac ;;
        policy)
            case $sub in
                '') words="check --help" ;;
                check)
                    COMPREPLY=($(compgen -W "$(_nsipc_names "$policies" .json) --help" -- "$cur") $(compgen -f -X '!*.json' -- "$cur"))
                    return ;;
            esac ;;
        hook) words="createRuntime poststop precreate --min-idle --help" ;;
        oci-config) words="--policy --ns --help" ;;
        audit) words="--json --prometheus --output --raw --noheadings --container --orphans --min-idle --runtime-root --help" ;;
        gc) words="--dry-run --json --container --ns --host --pins --min-idle --runtime-root --help" ;;
        log) words="--container --json --lines --help" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -F _nsipc nsipc
