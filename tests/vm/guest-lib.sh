# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# Helpers for /rig/job in the guest (sourced by /init). Results go to fd 3
# (ttyS1) framed by "@@rig" lines that tests/vm/rig parses on the host.

# rig_load_modules [noiommu] MODULE...: load the kernel's modules (its source
# file's list: 6.1 has no iommufd) with kmod's modprobe (it honours softdeps,
# busybox's does not). With noiommu first: vfio in its unsafe no-IOMMU mode
# (the noiommu boot, tests/vm/rig --noiommu), before vfio-pci binds.
rig_load_modules() {
	mode=""
	if [ "${1:-}" = noiommu ]; then
		mode=noiommu
		shift
	fi
	for m in "$@"; do
		args=""
		[ "$m" = vfio ] && [ "$mode" = noiommu ] && args="enable_unsafe_noiommu_mode=1"
		/sbin/modprobe "$m" $args || { echo "@@rig error modprobe $m $args failed" >&3; return 1; }
	done
	if [ "$mode" = noiommu ] &&
		[ "$(cat /sys/module/vfio/parameters/enable_unsafe_noiommu_mode 2>/dev/null)" != Y ]; then
		echo "@@rig error vfio is not in no-IOMMU mode (a kernel without CONFIG_VFIO_NOIOMMU?)" >&3
		return 1
	fi
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
		# (vfio-dev/ is the device cdev, which kernels before 6.6 lack)
		drv=$(readlink "$d/driver" 2>/dev/null)
		[ "${drv##*/}" = vfio-pci ] || { echo "@@rig error $addr did not bind to vfio-pci" >&3; return 1; }
	done
}

# Remove the vDPA devices and unload the vDPA modules: with the series they
# hold iommufd, which the host tests unload and load again.
rig_vdpa_off() {
	for d in /sys/bus/vdpa/devices/*; do
		[ -e "$d" ] && /sbin/vdpa dev del "${d##*/}"
	done
	for m in vhost_vdpa vdpa_sim_net vdpa_sim_blk vdpa_sim vdpa vhost vringh vhost_iotlb; do
		grep -q "^$m " /proc/modules && /sbin/rmmod "$m"
	done
	return 0
}

# (Re)load the vDPA simulator in one mode and create vdpa0 on vdpasim_net,
# bound to vhost-vdpa (/dev/vhost-vdpa-N). rig_vdpa_mode USE_VA (1 or 0)
rig_vdpa_mode() {
	rig_vdpa_off
	/sbin/modprobe vdpa_sim use_va="$1" &&
		/sbin/modprobe vdpa_sim_net && /sbin/modprobe vhost_vdpa ||
		{ echo "@@rig error loading vdpa_sim (use_va=$1), vdpa_sim_net, vhost_vdpa failed" >&3; return 1; }
	/sbin/vdpa dev add mgmtdev vdpasim_net name vdpa0 mac 02:00:00:00:00:02 ||
		{ echo "@@rig error vdpa dev add mgmtdev vdpasim_net name vdpa0 failed" >&3; return 1; }
	ls /sys/bus/vdpa/devices/vdpa0 | grep -q '^vhost-vdpa-' ||
		{ echo "@@rig error vdpa0 did not bind to vhost_vdpa" >&3; return 1; }
}

# rig_run SUITE NAME TIMEOUT CMD [ARGS...]: run one program, its output framed.
rig_run() {
	suite=$1 name=$2 limit=$3
	shift 3
	echo "@@rig begin $suite $name" >&3
	# mark the kernel log too, so that a kernel warning names its program
	echo "rig: begin $suite/$name" >/dev/kmsg 2>/dev/null
	timeout -s KILL "$limit" "$@" >&3 2>&1
	rc=$?
	echo "rig: end $suite/$name rc=$rc" >/dev/kmsg 2>/dev/null
	echo "@@rig end $suite $name rc=$rc" >&3
	return 0
}

# The kernel log, for the host to scan for warnings.
rig_dmesg() {
	echo "@@rig dmesg-begin" >&3
	dmesg >&3
	echo "@@rig dmesg-end" >&3
}
