# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Helpers for /rig/job in the guest (sourced by /init). Results go to fd 3
# (ttyS1) framed by "@@rig" lines that tests/vm/rig parses on the host.

# Load the VFIO and iommufd modules with kmod's modprobe (it honours softdeps,
# busybox's does not).
rig_load_modules() {
	for m in iommufd vfio vfio_pci; do
		/sbin/modprobe "$m" || { echo "@@rig error modprobe $m failed" >&3; return 1; }
	done
}

# Bind the PCI device at this address to vfio-pci.
# rig_bind_vfio 0000:00:03.0
rig_bind_vfio() {
	for d in /sys/bus/pci/devices/"$1"; do
		[ -e "$d" ] || { echo "@@rig error no PCI device $1" >&3; return 1; }
		addr=${d##*/}
		[ -e "$d/driver" ] && echo "$addr" >"$d/driver/unbind"
		echo vfio-pci >"$d/driver_override"
		echo "$addr" >/sys/bus/pci/drivers_probe
		[ -d "$d/vfio-dev" ] || { echo "@@rig error $addr did not bind to vfio-pci" >&3; return 1; }
	done
}

# rig_run SUITE NAME TIMEOUT CMD [ARGS...]: run one program, its output framed.
rig_run() {
	suite=$1 name=$2 limit=$3
	shift 3
	echo "@@rig begin $suite $name" >&3
	timeout -s KILL "$limit" "$@" >&3 2>&1
	rc=$?
	echo "@@rig end $suite $name rc=$rc" >&3
	return 0
}

# The kernel log, for the host to scan for warnings.
rig_dmesg() {
	echo "@@rig dmesg-begin" >&3
	dmesg >&3
	echo "@@rig dmesg-end" >&3
}
