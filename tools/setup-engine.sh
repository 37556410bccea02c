#!/usr/bin/env bash
# Builds the real Pulumi CLI from Pulumi's published Go modules and writes the plugin wrappers the
# engine needs, into .tools/ (git-ignored):
#
#   .tools/bin/pulumi                  the CLI, at exactly the @pulumi/pulumi version in package-lock.json
#   .tools/bin/pulumi-language-nodejs  our Node.js language host (tools/language-host; Pulumi's own Go
#                                      host is not served by the Go module proxy, see README)
#   .tools/standin-bin/pulumi-resource-{aws,kubernetes,docker-build,random}
#                                      the provider stand-in (tools/provider-standin), put on PATH only
#                                      by runs that name it
#   .tools/bin/actionlint              the GitHub Actions workflow linter the test suite runs, at the
#                                      version tools/actionlint/go.mod pins (with go.sum)
#
# Idempotent: with the CLI and actionlint already built at the right versions it only rewrites the wrappers.
# Usage: npm run setup:engine [-- --update]   (--update re-resolves tools/engine/go.mod for a new SDK version)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.tools/bin"
STANDIN_BIN="$ROOT/.tools/standin-bin"
MODDIR="$ROOT/tools/engine"
PKG_MODULE="github.com/pulumi/pulumi/pkg/v3"
SDK_MODULE="github.com/pulumi/pulumi/sdk/v3"
export CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=readonly" GOTOOLCHAIN=local

step_started=0
step() { step_started=$(date +%s%N); printf 'setup:engine: %s\n' "$*"; }
took() { printf 'setup:engine:   done in %s ms\n' $(( ($(date +%s%N) - step_started) / 1000000 )); }
die() { printf 'setup:engine: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is not on PATH; install Node.js 20 first"
[ -d "$ROOT/node_modules/@pulumi/pulumi" ] || die "node_modules is missing; run npm ci first"
VERSION="$(node -p 'require(process.argv[1]).packages["node_modules/@pulumi/pulumi"].version' "$ROOT/package-lock.json")"

pinned="$(awk -v m="$PKG_MODULE" '$1 == m { print $2 }' "$MODDIR/go.mod")"
if [ "${1:-}" = "--update" ] && [ "$pinned" != "v$VERSION" ]; then
    command -v go >/dev/null || die "go is not on PATH; install Go 1.25 or later"
    step "re-resolving tools/engine/go.mod for $PKG_MODULE v$VERSION"
    (cd "$MODDIR" && GOFLAGS=-mod=mod go get -tool "$PKG_MODULE/cmd/pulumi@v$VERSION" "$SDK_MODULE@v$VERSION" >/dev/null) \
        || die "the Go module proxy refused $PKG_MODULE v$VERSION; pin @pulumi/pulumi to a version the proxy serves"
    took
    pinned="v$VERSION"
fi
[ "$pinned" = "v$VERSION" ] || die "tools/engine/go.mod pins $PKG_MODULE $pinned but package-lock.json has @pulumi/pulumi $VERSION; run: npm run setup:engine -- --update"

mkdir -p "$BIN" "$STANDIN_BIN"

# The CLI: reuse one of the right version (ours, or one on PATH), else build it.
have_version() { [ -x "$1" ] && [ "$("$1" version 2>/dev/null)" = "v$VERSION" ]; }
on_path="$(PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vx "$BIN" | paste -sd:)" command -v pulumi || true)"
if have_version "$BIN/pulumi"; then
    printf 'setup:engine: pulumi v%s already built in .tools/bin\n' "$VERSION"
elif [ -n "$on_path" ] && have_version "$on_path"; then
    printf 'setup:engine: using pulumi v%s found on PATH at %s\n' "$VERSION" "$on_path"
    ln -sf "$on_path" "$BIN/pulumi"
else
    command -v go >/dev/null || die "go is not on PATH; install Go 1.25 or later to build the Pulumi CLI"
    step "downloading Go modules for $PKG_MODULE v$VERSION (cached in $(go env GOMODCACHE))"
    if ! out="$(cd "$MODDIR" && go mod download 2>&1)"; then
        refused="$(printf '%s\n' "$out" | grep -oE '[a-z0-9.-]+\.[a-z]+/[^@ ]+@v[^: ]+' | head -1)"
        die "the Go module proxy refused ${refused:-a module}: $(printf '%s\n' "$out" | grep -m1 -iE 'forbidden|not found|error' || true)"
    fi
    took
    step "building pulumi v$VERSION from $PKG_MODULE (CGO_ENABLED=0; build cache $(go env GOCACHE))"
    (cd "$MODDIR" && go build -trimpath -o "$BIN/pulumi.tmp" \
        -ldflags "-s -w -X $SDK_MODULE/go/common/version.Version=v$VERSION" "$PKG_MODULE/cmd/pulumi")
    mv "$BIN/pulumi.tmp" "$BIN/pulumi"
    took
fi

# actionlint, for the workflow tests: the version tools/actionlint/go.mod pins, rebuilt only when it differs.
LINT_MODULE="github.com/rhysd/actionlint"
LINT_MODDIR="$ROOT/tools/actionlint"
lint_pinned="$(awk -v m="$LINT_MODULE" '$1 == m { print $2 }' "$LINT_MODDIR/go.mod")"
[ -n "$lint_pinned" ] || die "tools/actionlint/go.mod pins no $LINT_MODULE; restore it from git"
if [ -x "$BIN/actionlint" ] && [ "$("$BIN/actionlint" -version 2>/dev/null | head -1)" = "$lint_pinned" ]; then
    printf 'setup:engine: actionlint %s already built in .tools/bin\n' "$lint_pinned"
else
    command -v go >/dev/null || die "go is not on PATH; install Go 1.25 or later to build actionlint"
    step "building actionlint $lint_pinned from $LINT_MODULE (CGO_ENABLED=0)"
    (cd "$LINT_MODDIR" && go build -trimpath -o "$BIN/actionlint.tmp" -ldflags "-s -w" "$LINT_MODULE/cmd/actionlint") \
        || die "could not build actionlint $lint_pinned; the Go module proxy must serve $LINT_MODULE $lint_pinned (tools/actionlint/go.sum)"
    mv "$BIN/actionlint.tmp" "$BIN/actionlint"
    took
fi

# Wrappers run the TypeScript sources with the project's tsx, by absolute path, from any directory.
# They exec node, so the plugin's parent is the CLI itself: the plugins end when their parent is gone.
TSX="$ROOT/node_modules/tsx/dist/cjs/index.cjs"
[ -f "$TSX" ] || die "tsx is missing from node_modules; run npm ci"
write_wrapper() { # file, script, args...
    local file="$1" script="$2"; shift 2
    printf '#!/bin/sh\n# Written by tools/setup-engine.sh.\nexec node --require "%s" "%s" %s "$@"\n' "$TSX" "$ROOT/$script" "$*" > "$file.tmp"
    chmod 755 "$file.tmp" && mv "$file.tmp" "$file"
}
write_wrapper "$BIN/pulumi-language-nodejs" tools/language-host/main.ts
for pkg in aws kubernetes docker-build random; do
    write_wrapper "$STANDIN_BIN/pulumi-resource-$pkg" tools/provider-standin/main.ts "$pkg"
done
printf 'setup:engine: language host and provider stand-in wrappers written\n'
printf 'setup:engine: ready: %s (%s), disk %s\n' "$("$BIN/pulumi" version)" "$BIN" "$(du -shL "$BIN" | cut -f1)"
