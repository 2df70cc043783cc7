#!/usr/bin/env bash
# Builds the activelabel .deb and proves that it installs and runs on a clean Debian 12: a
# minimal bookworm root is debootstrapped into the build tree, the package is installed there
# with apt (so its Depends/Recommends alone must bring in everything), and the executables run
# headless inside it. Slow (the first run downloads the base system and ~300 MB of dependencies;
# both are cached in the build tree), so it is its own command, not part of ctest.
#
# Usage: packaging/test-deb.sh [BUILD_DIR]      (as root, or it re-runs itself with sudo)
#        packaging/test-deb.sh --prepare-root [BUILD_DIR]   only create the cached clean root
#   BUILD_DIR     default: build-pkg in the repository root
#   DEBIAN_MIRROR default: http://deb.debian.org/debian
#   JOBS          build parallelism, default 1
#   KEEP_ROOT=1   keep the installed root afterwards for inspection (BUILD_DIR/debian12-root)
# Prints a PASS/FAIL line per step and a summary; exits non-zero when any step failed.
# The single-quoted scripts below run in the chroot and are expanded there:
# shellcheck disable=SC2016
set -euo pipefail

prepare_only=0
if [ "${1:-}" = "--prepare-root" ]; then prepare_only=1; shift; fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build-pkg}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
jobs=${JOBS:-1}

if [ "$(id -u)" -ne 0 ]; then
    echo "test-deb: debootstrap and chroot need root; re-running with sudo"
    again=("$0")
    [ $prepare_only = 0 ] || again+=(--prepare-root)
    exec sudo --preserve-env=DEBIAN_MIRROR,DEBIAN_SECURITY_MIRROR,JOBS,KEEP_ROOT "${again[@]}" "$build"
fi
for tool in debootstrap cmake cpack dpkg-deb chroot; do
    command -v "$tool" >/dev/null || { echo "test-deb: $tool is missing (apt-get install debootstrap cmake)"; exit 2; }
done

mkdir -p "$build"
build=$(cd "$build" && pwd)
root=$build/debian12-root
root_cache=$build/debian12-minbase.tar       # pristine root, so each run starts clean
apt_cache=$build/debian12-apt-archives       # downloaded .debs only, reused between runs
logs=$build/test-deb-logs
rm -rf "$logs" && mkdir -p "$logs" "$apt_cache"

results=()
failed=0
record() { # NAME STATUS [DETAIL]
    results+=("$(printf '%-4s  %s%s' "$2" "$1" "${3:+  ($3)}")")
    [ "$2" != FAIL ] || failed=1
    echo "== $2: $1${3:+ ($3)}"
}
summary() {
    echo
    echo "================ test-deb summary ================"
    printf '%s\n' "${results[@]}"
    if [ $failed = 0 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL (logs in $logs)"; fi
}

# ---- mounts, always undone -----------------------------------------------------------------------
mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -R "${mounted[$i]}" 2>/dev/null || umount -R -l "${mounted[$i]}" 2>/dev/null || true
    done
    mounted=()
}
on_exit() {
    local rc=$?
    unmount_all
    if [ ${#results[@]} -gt 0 ]; then summary; fi
    exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM

bind_into_root() { # SOURCE TARGET_IN_ROOT
    mkdir -p "$root$2"
    mount --rbind "$1" "$root$2"
    mount --make-rslave "$root$2"
    mounted+=("$root$2")
}
mount_root() {
    mount -t proc proc "$root/proc"
    mounted+=("$root/proc")
    bind_into_root /dev /dev        # /dev/null, /dev/shm, /dev/pts for apt and dpkg
    bind_into_root /sys /sys        # libtorch's cpuinfo reads the CPU topology there
    bind_into_root "$apt_cache" /var/cache/apt/archives
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
}
remove_root() {
    unmount_all
    if grep -q " $root/" /proc/mounts; then
        echo "test-deb: something is still mounted under $root; not deleting it"; exit 1
    fi
    rm -rf --one-file-system "$root"
}
in_root() { # run a command in the chroot with a clean environment
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive "$@"
}
step() { # NAME COMMAND... : runs in the chroot, logs to $logs, records PASS/FAIL
    local name=$1; shift
    local log
    log=$logs/$(echo "$name" | tr -c 'A-Za-z0-9\n' '_').log
    echo "-- $name"
    if in_root "$@" >"$log" 2>&1; then
        tail -n 5 "$log"; record "$name" PASS; return 0
    else
        local rc=$?
        tail -n 20 "$log"; record "$name" FAIL "exit $rc, $log"; return 1
    fi
}

# ---- 1. the clean Debian 12 root (cached as a tarball of the freshly bootstrapped system) --------
if [ ! -f "$root_cache" ]; then
    echo "-- debootstrap bookworm (minbase) from $mirror"
    remove_root
    if ! debootstrap --variant=minbase bookworm "$root" "$mirror" >"$logs/debootstrap.log" 2>&1; then
        tail -n 30 "$logs/debootstrap.log"; record "debootstrap bookworm" FAIL "$logs/debootstrap.log"; exit 1
    fi
    # A stock Debian 12 system: main, updates and security.
    cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
EOF
    # Mirrors may be snapshots whose Release files have expired; that is not what is tested here.
    echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99activelabel-test"
    # No daemons may start inside the chroot (dbus and friends come in as dependencies).
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
    rm -f "$root"/var/cache/apt/archives/*.deb
    tar -C "$root" --numeric-owner -cf "$root_cache.tmp" . && mv "$root_cache.tmp" "$root_cache"
    record "debootstrap bookworm" PASS "cached in $root_cache"
fi
if [ $prepare_only = 1 ]; then echo "test-deb: clean root cached in $root_cache"; exit 0; fi

# ---- 2. build the package --------------------------------------------------------------------------
echo "-- build and cpack in $build"
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DACTIVELABEL_BUILD_TESTS=OFF \
        >"$logs/configure.log" 2>&1 || { tail -n 30 "$logs/configure.log"; record "configure" FAIL; exit 1; }
fi
if ! cmake --build "$build" -j"$jobs" >"$logs/build.log" 2>&1; then
    tail -n 40 "$logs/build.log"; record "build" FAIL "$logs/build.log"; exit 1
fi
rm -f "$build"/activelabel_*.deb
if ! (cd "$build" && cpack -G DEB) >"$logs/cpack.log" 2>&1; then
    tail -n 40 "$logs/cpack.log"; record "cpack -G DEB" FAIL "$logs/cpack.log"; exit 1
fi
deb=$(ls "$build"/activelabel_*.deb)
version=$(dpkg-deb -f "$deb" Version)
record "cpack -G DEB" PASS "$(basename "$deb"), $(du -h "$deb" | cut -f1), Installed-Size $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "   Depends: $(dpkg-deb -f "$deb" Depends)"
echo "   Recommends: $(dpkg-deb -f "$deb" Recommends)"
dpkg-deb -I "$deb" >"$logs/deb-info.txt"; dpkg-deb -c "$deb" >>"$logs/deb-info.txt"

# ---- 3. install it into a fresh copy of the clean root ------------------------------------------
remove_root
mkdir -p "$root"
tar -C "$root" --numeric-owner -xf "$root_cache"
mount_root
mkdir -p "$root/tmp/deb" && cp "$deb" "$root/tmp/deb/"
debname=$(basename "$deb")

step "apt-get update" apt-get update || exit 1
step "apt-get install ./$debname" apt-get install -y "/tmp/deb/$debname" || exit 1
if in_root dpkg-query -W -f='${Status}' dataset-fashion-mnist 2>/dev/null | grep -q 'install ok installed'; then
    record "dataset-fashion-mnist came in as Recommends" PASS
else
    record "dataset-fashion-mnist came in as Recommends" WARN "installing it explicitly"
    step "apt-get install dataset-fashion-mnist" apt-get install -y dataset-fashion-mnist || true
fi

# ---- 4. what the package put there ----------------------------------------------------------------
step "installed files (executables, desktop entry, metainfo, icons)" bash -ec '
    for f in /usr/bin/activelabel /usr/bin/activelabel-cli; do test -x "$f"; done
    ls /usr/share/applications/*activelabel*.desktop /usr/share/metainfo/*activelabel*.metainfo.xml
    for s in scalable/apps/activelabel.svg 48x48/apps/activelabel.png 128x128/apps/activelabel.png \
             256x256/apps/activelabel.png; do ls /usr/share/icons/hicolor/$s; done' || true
step "shared libraries all resolve (ldd)" bash -ec '
    for f in /usr/bin/activelabel /usr/bin/activelabel-cli; do
        if ldd "$f" | grep "not found"; then echo "$f: unresolved libraries"; exit 1; fi
    done; echo "all resolved"' || true
step "libblas.so.3 points at OpenBLAS" bash -ec '
    update-alternatives --query libblas.so.3-x86_64-linux-gnu | grep "^Value:"
    update-alternatives --query libblas.so.3-x86_64-linux-gnu | grep -q "^Value:.*openblas"' || true

# ---- 5. run it ---------------------------------------------------------------------------------------
step "activelabel-cli --version" bash -ec "activelabel-cli --version | tee /dev/stderr | grep -qF '$version'" || true
step "activelabel --version (offscreen)" bash -ec \
    "QT_QPA_PLATFORM=offscreen activelabel --version | tee /dev/stderr | grep -qF '$version'" || true
has_command() { in_root activelabel-cli "$1" --help >/dev/null 2>&1; }
step "activelabel-cli init /tmp/p" activelabel-cli init /tmp/p || true
if step "activelabel-cli import-fashion-mnist /tmp/p --limit 300" \
        activelabel-cli import-fashion-mnist /tmp/p --limit 300 --seed 1; then
    step "activelabel-cli status /tmp/p --json" activelabel-cli status /tmp/p --json || true
    if has_command simulate; then
        step "activelabel-cli simulate (random, budget 60, 1 seed)" bash -ec '
            activelabel-cli simulate /tmp/p --strategy random --init 20 --batch 20 --budget 60 \
                --seeds 1 --out /tmp/sim
            ls -l /tmp/sim
            cat /tmp/sim/summary.csv
            test "$(wc -l </tmp/sim/rounds.csv)" -ge 2 && test "$(wc -l </tmp/sim/summary.csv)" -ge 2' || true
    else
        record "activelabel-cli simulate" SKIP "this build has no simulate command; oracle + train instead"
        step "activelabel-cli oracle /tmp/p --count 60" activelabel-cli oracle /tmp/p --count 60 --seed 1 || true
        if has_command train; then
            step "activelabel-cli train /tmp/p --epochs 1" activelabel-cli train /tmp/p --epochs 1 --seed 1 || true
            step "activelabel-cli status /tmp/p --json (after training)" activelabel-cli status /tmp/p --json || true
        else
            record "activelabel-cli train" SKIP "this build has no train command"
        fi
    fi
    # The GUI must open the project and keep running; timeout's 124 means it was still up.
    echo "-- activelabel /tmp/p (offscreen, 15 s)"
    set +e
    in_root bash -c 'QT_QPA_PLATFORM=offscreen timeout 15 activelabel /tmp/p' >"$logs/gui.log" 2>&1
    gui_rc=$?
    set -e
    tail -n 5 "$logs/gui.log"
    if [ $gui_rc = 124 ]; then record "activelabel /tmp/p runs offscreen for 15 s" PASS
    else record "activelabel /tmp/p runs offscreen for 15 s" FAIL "exit $gui_rc, $logs/gui.log"; fi
fi

unmount_all
if [ "${KEEP_ROOT:-0}" != 1 ]; then remove_root; fi
[ $failed = 0 ]
