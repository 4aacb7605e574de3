#!/usr/bin/env bash
# Builds kubectl (k8s.io/kubernetes cmd/kubectl at the version ../go.mod pins for the server binaries) into its
# own cache directory, and prints that directory on the last stdout line.
#
# Its own module and cache key (this directory's go.mod, go.sum and build.sh): ../build.sh's key hashes
# ../go.mod, ../go.sum and ../build.sh, so adding kubectl's modules there would invalidate every warm cache of
# the server binaries. go.mod here copies ../go.mod's requirement and staging replaces; `build.sh --update`
# regenerates it after ../build.sh --update.
#
# Environment: KCP_TMC_CACHE (default ~/.cache/kcp-tmc), KUBE_BINS_PARALLEL (go build -p, default 2).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

log() { printf 'kubectl: %s\n' "$*" >&2; }

command -v go >/dev/null 2>&1 || {
	log "go is not installed (needed to build kubectl from source)"
	exit 127
}

update() {
	local version
	version="$(sed -n 's#^\s*k8s.io/kubernetes \(v[0-9.]*\)$#\1#p; s#^\s*require\s*k8s.io/kubernetes \(v[0-9.]*\)$#\1#p' ../go.mod | head -n1)"
	{
		echo "// Generated from ../go.mod (same k8s.io/kubernetes and staging pins) plus go mod tidy for cmd/kubectl; see build.sh."
		echo "module example.invalid/kcp-tmc-kubectl"
		echo
		grep -E '^(go|godebug) ' ../go.mod
		echo
		echo "require k8s.io/kubernetes $version"
		echo
		sed -n '/^replace (/,/^)/p' ../go.mod
	} >go.mod
	rm -f go.sum
	go mod tidy
	log "go.mod/go.sum regenerated for k8s.io/kubernetes $version"
}

if [[ "${1:-}" == "--update" ]]; then
	update
	exit 0
fi

version="$(sed -n 's#^\s*require\s*k8s.io/kubernetes \(v[0-9.]*\)$#\1#p; s#^\s*k8s.io/kubernetes \(v[0-9.]*\)$#\1#p' go.mod | head -n1)"
[[ -n "$version" ]] || {
	log "no k8s.io/kubernetes requirement in $HERE/go.mod; run build.sh --update"
	exit 1
}
minor="${version#v1.}"
minor="${minor%%.*}"
hash="$(cat go.mod go.sum build.sh | sha256sum | cut -c1-12)"
cache_root="${KCP_TMC_CACHE:-$HOME/.cache/kcp-tmc}/kubectl"
bin_dir="$cache_root/${version#v}-$hash"
stamp="$bin_dir/.stamp"

if [[ -f "$stamp" ]]; then
	echo "$bin_dir"
	exit 0
fi

mkdir -p "$cache_root"
# One build at a time per cache; a second caller waits, then reuses the first one's result.
exec 9>"$cache_root/.lock"
flock 9
if [[ -f "$stamp" ]]; then
	echo "$bin_dir"
	exit 0
fi
work="$(mktemp -d "$cache_root/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# kubectl reports its client version from client-go's and component-base's variables.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

started=$SECONDS
log "building kubectl $version"
go build -mod=readonly -trimpath -p "${KUBE_BINS_PARALLEL:-2}" -ldflags "$ldflags" -o "$work/kubectl" \
	k8s.io/kubernetes/cmd/kubectl

printf 'kubernetes=%s\nhash=%s\nbuild_seconds=%s\n' "$version" "$hash" "$((SECONDS - started))" >"$work/.stamp"
rm -rf "$bin_dir"
mv "$work" "$bin_dir"
trap - EXIT
log "built in $((SECONDS - started))s"
echo "$bin_dir"
