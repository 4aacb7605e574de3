# Sourced by CI and tools: puts the pnpm pinned in package.json#packageManager on PATH, installing it once
# into a cache outside the clone (a fresh machine has Node 20 and npm, but no pnpm).
pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
pnpm_prefix="${KCP_TMC_CACHE:-$HOME/.cache/kcp-tmc}/pnpm-$pnpm_version"
if [ ! -x "$pnpm_prefix/bin/pnpm" ]; then
  npm install --global --no-audit --no-fund --prefix "$pnpm_prefix" "pnpm@$pnpm_version" >/dev/null
fi
export PATH="$pnpm_prefix/bin:$PATH"
