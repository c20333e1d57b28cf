# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# bash completion for iommufd(1): commands, their options, PCI addresses
# (from /sys/bus/pci/devices), drivers, mdev parents, types and instances.
_iommufd_pci() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d" ] && printf '%s\n' "${d##*/}"
	done
}

_iommufd_vfio_pci() {
	local d drv
	for d in /sys/bus/pci/devices/*; do
		drv=$(readlink "$d/driver" 2>/dev/null) || continue
		[ "${drv##*/}" = vfio-pci ] && printf '%s\n' "${d##*/}"
	done
}

_iommufd() {
	local cur prev words cword cmd i
	local commands="list info bind unbind check features version mdev exec serve help"
	local global="-j --json -p --pretty -V --version -h --help"
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
	fi
	# the command: the first word that is not a global option
	for ((i = 1; i < cword; i++)); do
		case "${words[i]}" in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "$global" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi
	case "$cmd" in
	list)
		COMPREPLY=($(compgen -W "--vfio --vdpa --probe --json --help" -- "$cur")) ;;
	info)
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--probe --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_iommufd_pci)" -- "$cur"))
		fi ;;
	bind)
		COMPREPLY=($(compgen -W "$(_iommufd_pci) --help" -- "$cur")) ;;
	unbind)
		case "$prev" in
		--driver | -d)
			COMPREPLY=($(compgen -W "$(ls /sys/bus/pci/drivers 2>/dev/null)" -- "$cur")); return ;;
		esac
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--driver --none --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_iommufd_vfio_pci)" -- "$cur"))
		fi ;;
	check)
		case "$prev" in
		--memlock | -m)
			COMPREPLY=($(compgen -W "1G 4G 16G 64G" -- "$cur")); return ;;
		esac
		if [[ "$cur" == -* ]]; then
			COMPREPLY=($(compgen -W "--memlock --quiet -q --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_iommufd_pci)" -- "$cur"))
		fi ;;
	exec | serve)
		case "$prev" in
		--device) COMPREPLY=($(compgen -W "$(_iommufd_pci)" -- "$cur")); return ;;
		--rlimit-mode) COMPREPLY=($(compgen -W "user process" -- "$cur")); return ;;
		--user | --allow-uid) COMPREPLY=($(compgen -u -- "$cur")); return ;;
		--allow-gid) COMPREPLY=($(compgen -g -- "$cur")); return ;;
		--socket | --connect) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		esac
		if [ "$cmd" = exec ]; then
			COMPREPLY=($(compgen -W "--device --user --memlock --rlimit-mode --connect --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--socket --device --allow-uid --allow-gid --rlimit-mode --once --help" -- "$cur"))
		fi ;;
	features | version)
		COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	mdev)
		local sub="" parent=""
		for ((i = i + 1; i < cword; i++)); do
			case "${words[i]}" in
			-*) ;;
			*) if [ -z "$sub" ]; then sub=${words[i]}; elif [ -z "$parent" ]; then parent=${words[i]}; fi ;;
			esac
		done
		case "$sub" in
		"") COMPREPLY=($(compgen -W "list create remove --help" -- "$cur")) ;;
		create)
			if [ -z "$parent" ]; then
				COMPREPLY=($(compgen -W "$(ls /sys/class/mdev_bus 2>/dev/null)" -- "$cur"))
			elif [ "$prev" = "$parent" ]; then
				COMPREPLY=($(compgen -W "$(ls "/sys/class/mdev_bus/$parent/mdev_supported_types" 2>/dev/null)" -- "$cur"))
			fi ;;
		remove)
			COMPREPLY=($(compgen -W "$(ls /sys/bus/mdev/devices 2>/dev/null)" -- "$cur")) ;;
		esac ;;
	esac
}
complete -F _iommufd iommufd
