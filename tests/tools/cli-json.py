#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
# The iommufd command's JSON on the host: every command under -j (and -p)
# prints one document that python's json module reads strictly (no NaN, no
# duplicate names), "unknown" is null and never -1, failures and usage
# errors are {"error": ...} with their one line on stderr, and check's
# exit status agrees with its "ready". Nothing is bound, unbound, created
# or removed: those commands only meet addresses that do not parse.
# Usage: cli-json.py PATH-TO-IOMMUFD. TAP output.
import json
import subprocess
import sys

tool = sys.argv[1]
n = 0
failed = False


def result(name, why=None):
    global n, failed
    n += 1
    if why:
        print(f"not ok {n} - {name}: {why}")
        failed = True
    else:
        print(f"ok {n} - {name}")


def strict_pairs(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate member names in {keys}")
    return dict(pairs)


def no_constant(name):
    raise ValueError(f"{name} is not JSON")


def run(*args):
    p = subprocess.run([tool, *args], capture_output=True)
    return p.returncode, p.stdout, p.stderr


def parse(data):
    text = data.decode("utf-8")  # strict: the writer emits valid UTF-8
    if not text.endswith("\n") or text.count("\n") < 1:
        raise ValueError("no newline at the end")
    return json.loads(text, object_pairs_hook=strict_pairs, parse_constant=no_constant)


def no_minus_one(v, path="$"):
    if isinstance(v, bool):
        return None
    if isinstance(v, int) and v < 0:
        return f"{path} is {v}"
    if isinstance(v, list):
        for i, x in enumerate(v):
            w = no_minus_one(x, f"{path}[{i}]")
            if w:
                return w
    if isinstance(v, dict):
        for k, x in v.items():
            w = no_minus_one(x, f"{path}.{k}")
            if w:
                return w
    return None


def doc(name, args, want_rc=(0,), check=None, pretty=True):
    """Run with -j (and -p): one valid document, the exit status, check(v)."""
    rc, out, err = run(b"-j" if args and isinstance(args[0], bytes) else "-j", *args)
    why = None
    v = None
    try:
        v = parse(out)
    except (ValueError, UnicodeDecodeError) as e:
        why = f"not JSON ({e}): {out[:200]!r}"
    if not why and rc not in want_rc:
        why = f"exit status {rc}, want {want_rc}; stderr {err!r}"
    if not why:
        why = no_minus_one(v)
    if not why and rc != 0:
        if not isinstance(v, dict) or not isinstance(v.get("error"), str) or list(v) != ["error"]:
            if not (args and args[0] == "check" and rc == 1):
                why = f"a failure without {{\"error\": ...}}: {v}"
        if not why and not (args and args[0] == "check" and rc == 1):
            if err.count(b"\n") != 1 or not err.startswith(b"iommufd: "):
                why = f"stderr is not one line: {err!r}"
    if not why and rc == 0 and err:
        why = f"stderr on success: {err!r}"
    if not why and check:
        why = check(v, rc)
    words = " ".join(a if isinstance(a, str) else repr(a) for a in args)
    result(f"-j {words}", why)
    if pretty and v is not None:
        prc, pout, _ = run(b"-p" if isinstance(args[0], bytes) else "-p", *args)
        pwhy = None
        try:
            pv = parse(pout)
            if prc != rc:
                pwhy = f"exit status {prc}, -j gave {rc}"
            elif len(pout.splitlines()) > 1 and b"\n    " not in pout:
                pwhy = "not indented"
            elif set(pv) != set(v) if isinstance(v, dict) else type(pv) is not type(v):
                pwhy = "not the same document as -j"
        except (ValueError, UnicodeDecodeError) as e:
            pwhy = f"not JSON ({e})"
        result(f"-p {words}", pwhy)
    return v, rc


def is_str_or_null(v):
    return v is None or isinstance(v, str)


PCI_KEYS = {"address", "vendor", "device", "class", "subsystem_vendor", "subsystem_device",
            "vendor_name", "device_name", "class_name", "driver", "driver_override", "iommu_group",
            "noiommu", "numa_node", "group_members", "vfio_cdev", "vfio_group", "vfio_cdev_missing"}


def pci_entry(d):
    if not PCI_KEYS <= set(d):
        return f"missing {PCI_KEYS - set(d)}"
    for k in ("vendor", "device", "subsystem_vendor", "subsystem_device"):
        if not (isinstance(d[k], str) and len(d[k]) == 4 and int(d[k], 16) >= 0):
            return f"{k} {d[k]!r}"
    if not (isinstance(d["class"], str) and len(d["class"]) == 6):
        return f"class {d['class']!r}"
    for k in ("iommu_group", "numa_node"):
        if d[k] is not None and not (isinstance(d[k], int) and not isinstance(d[k], bool)):
            return f"{k} {d[k]!r}"
    for k in ("vendor_name", "device_name", "class_name", "driver", "driver_override", "vfio_cdev", "vfio_group"):
        if not is_str_or_null(d[k]):
            return f"{k} {d[k]!r}"
    if not isinstance(d["group_members"], list) or (d["iommu_group"] is None) != (d["group_members"] == []):
        return f"group_members {d['group_members']!r} with group {d['iommu_group']!r}"
    return None


def check_list(v, rc):
    if not isinstance(v, list):
        return "not an array"
    for d in v:
        w = pci_entry(d)
        if w:
            return f"{d.get('address')}: {w}"
    return None


def check_vfio_list(v, rc):
    w = check_list(v, rc)
    if not w and any(d["vfio_cdev"] is None for d in v):
        return "--vfio kept a device without a VFIO node"
    return w


def check_vdpa(v, rc):
    if not isinstance(v, list):
        return "not an array"
    for d in v:
        if d.get("probed") is not False or d.get("asids") is not None or d.get("iommufd") is not None:
            return f"not probed, yet {d}"
    return None


def check_help(v, rc):
    names = [c.get("name") for c in v.get("commands", [])]
    want = ["list", "info", "bind", "unbind", "check", "features", "version", "mdev", "exec", "serve", "help"]
    if names != want:
        return f"commands {names}"
    if not all(isinstance(c.get("summary"), str) and c["summary"] for c in v["commands"]):
        return "a command without a summary"
    return None


version_text = run("--version")[1].decode().strip()


def check_version(v, rc):
    if f"iommufd {v.get('version')}" != version_text:
        return f"version {v.get('version')!r}, --version says {version_text!r}"
    if v["backend"] is None:
        if v["features"] is not None or not isinstance(v.get("backend_error"), str):
            return f"no backend, yet {v}"
    elif not (isinstance(v["backend"], str) and isinstance(v["features"], dict) and
              all(isinstance(x, bool) for x in v["features"].values()) and "ioas" in v["features"]):
        return f"backend {v['backend']!r} with features {v['features']!r}"
    return None


def check_features(v, rc):
    if rc == 0 and not (isinstance(v, dict) and v and all(isinstance(x, bool) for x in v.values())):
        return f"not an object of booleans: {v}"
    return None


def check_check(quiet):
    def f(v, rc):
        if not isinstance(v, dict) or not isinstance(v.get("ready"), bool):
            return f"no ready: {v}"
        if (rc == 0) != v["ready"]:
            return f"exit status {rc} with ready {v['ready']}"
        results = [c.get("result") for c in v.get("checks", [])]
        if not set(results) <= {"pass", "warn", "fail", "info"}:
            return f"results {results}"
        if not v["ready"] and "fail" not in results:
            return "not ready without a fail"
        if quiet and set(results) - {"fail"}:
            return f"-q kept {results}"
        if not (is_str_or_null(v.get("backend")) and
                (v.get("backend") is None) == isinstance(v.get("backend_error"), str)):
            return f"backend {v.get('backend')!r}, backend_error {v.get('backend_error')!r}"
        for c in v["checks"]:
            if not (isinstance(c.get("check"), str) and isinstance(c.get("message"), str) and
                    is_str_or_null(c.get("fix")) and isinstance(c.get("subject"), str)):
                return f"check {c}"
        return None
    return f


doc("help", ["help"], check=check_help)
doc("help list", ["help", "list"], check=lambda v, rc: None if v.get("name") == "list" else f"{v}")
doc("version", ["version"], check=check_version)
doc("-V", ["-V"], check=check_version, pretty=False)
devices, _ = doc("list", ["list"], check=check_list)
doc("list --vfio", ["list", "--vfio"], check=check_vfio_list)
doc("list --vdpa", ["list", "--vdpa"], check=check_vdpa)
if devices:
    addr = devices[0]["address"]
    doc("info", ["info", addr], check=lambda v, rc: pci_entry(v) or (
        None if v.get("probed") is False and v.get("iommu", 0) is None else f"probed without --probe: {v}"))
    doc("check ADDRESS", ["check", addr, "--memlock", "4G"], want_rc=(0, 1), check=check_check(False))
else:
    result("info # SKIP no PCI device on this host")
doc("check", ["check"], want_rc=(0, 1), check=check_check(False))
doc("check -q", ["check", "-q", "--memlock", "1G"], want_rc=(0, 1), check=check_check(True))
doc("features", ["features"], want_rc=(0, 1), check=check_features)
doc("mdev list", ["mdev", "list"], check=lambda v, rc: None if set(v) == {"types", "instances"} else f"{v}")
# failures: {"error": ...} on stdout, one line on stderr
doc("info of a malformed address", ["info", "00:99"], want_rc=(1,))
doc("bind of a malformed address", ["bind", "00:99"], want_rc=(1,))
doc("unbind of a malformed address", ["unbind", "00:99"], want_rc=(1,))
doc("mdev remove of a malformed UUID", ["mdev", "remove", "not-a-uuid"], want_rc=(1,))
doc("check of a malformed address", ["check", "00:99"], want_rc=(3,))
# usage errors too, exit 2
doc("info without an address", ["info"], want_rc=(2,))
doc("unknown command", ["frobnicate"], want_rc=(2,))
doc("check --memlock past 64 bits", ["check", "--memlock", "17179869184G"], want_rc=(2,))
# control characters and bad UTF-8 in an error's words are escaped
doc("escaping", [b"info", b"a\"b\\c\td\x01\xff"], want_rc=(1,),
    check=lambda v, rc: None if "a\"b\\c\td\x01\ufffd" in v["error"] else f"{v['error']!r}")
print(f"1..{n}")
sys.exit(1 if failed else 0)
