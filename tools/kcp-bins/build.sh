#!/usr/bin/env bash
# Builds kcp v0.11.0 (the last kcp release with TMC), its Go syncer (cmd/syncer) and the kubectl-kcp plugin from
# the Go module proxy into a cache outside the clone, and prints the bin directory on the last stdout line.
# Same cache, keying and locking as tools/kube-bins: a second run finds the stamp and returns at once.
#
# Environment: KCP_TMC_CACHE (default ~/.cache/kcp-tmc), KCP_BINS_PARALLEL (go build -p, default 2).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
# GOTOOLCHAIN=local: kcp's go.mod says go 1.19; never let the go command fetch another toolchain.
export CGO_ENABLED=0 GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

log() { printf 'kcp-bins: %s\n' "$*" >&2; }

command -v go >/dev/null 2>&1 || {
	log "go is not installed (needed to build kcp and its syncer from source)"
	exit 127
}

version="$(sed -n 's#^require github.com/kcp-dev/kcp \(v[0-9.]*\)$#\1#p' go.mod | head -n1)"
[[ -n "$version" ]] || {
	log "no github.com/kcp-dev/kcp requirement in $HERE/go.mod"
	exit 1
}
hash="$(cat go.mod go.sum tools.go build.sh | sha256sum | cut -c1-12)"
cache_root="${KCP_TMC_CACHE:-$HOME/.cache/kcp-tmc}/kcp-bins"
bin_dir="$cache_root/${version#v}-$hash"
stamp="$bin_dir/.stamp"

if [[ -f "$stamp" ]]; then
	echo "$bin_dir"
	exit 0
fi

mkdir -p "$cache_root"
# One build at a time per cache (parallel test processes, two checkouts): the second waits, then reuses.
exec 9>"$cache_root/.lock"
flock 9
if [[ -f "$stamp" ]]; then
	echo "$bin_dir"
	exit 0
fi
work="$(mktemp -d "$cache_root/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# kcp stamps its binaries as its Makefile does: the kcp-dev/kubernetes fork of 1.24 plus the kcp version.
kube_version="v1.24.3+kcp-$version"
# -checklinkname=0: cmd/syncer pulls golang.org/x/net at kcp's old pin, whose //go:linkname to syscall.recvmsg
# Go >= 1.23 refuses ("invalid reference to syscall.recvmsg"). The flag keeps every module at kcp's versions.
ldflags="-s -w -checklinkname=0"
for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
	ldflags+=" -X $p.gitCommit=$version -X $p.gitTreeState=clean -X $p.gitVersion=$kube_version"
	ldflags+=" -X $p.gitMajor=1 -X $p.gitMinor=24"
done

started=$SECONDS
log "building kcp, syncer and kubectl-kcp $version (a cold build takes 4-6 minutes on 2 cores)"
go mod download
for cmd in kcp syncer kubectl-kcp; do
	s=$SECONDS
	# -mod=readonly: a normal build never rewrites the committed go.mod/go.sum.
	go build -mod=readonly -trimpath -p "${KCP_BINS_PARALLEL:-2}" -ldflags "$ldflags" -o "$work/$cmd" \
		"github.com/kcp-dev/kcp/cmd/$cmd"
	log "built $cmd in $((SECONDS - s))s"
done
# `kubectl ws` is the same plugin binary under another name, as kcp's Makefile installs it.
ln -s kubectl-kcp "$work/kubectl-ws"

printf 'kcp=%s\nhash=%s\nbuild_seconds=%s\n' "$version" "$hash" "$((SECONDS - started))" >"$work/.stamp"
# Publish with one rename, so an interrupted build never leaves a half-filled bin dir behind.
rm -rf "$bin_dir"
mv "$work" "$bin_dir"
trap - EXIT
log "built in $((SECONDS - started))s"
echo "$bin_dir"
