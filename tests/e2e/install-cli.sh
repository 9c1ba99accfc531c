#!/bin/sh
# Install the pinned Claude Code CLI for the e2e tests, once per build directory.
#
#   install-cli.sh SOURCE_DIR DEST_DIR
#
# SOURCE_DIR holds package.json + package-lock.json (tests/e2e). The install in DEST_DIR
# is reused while the hash of those two files matches the stamp left by the last good
# install, so only the first run (or a version bump) reaches the npm registry. On success
# DEST_DIR/claude is a symlink to the CLI's native binary.
set -eu

src=$1
dest=$2
mkdir -p "$dest"

# Two ctest runs on one build directory must not install over each other.
exec 9>"$dest/.install.lock"
flock 9

want=$(node -p "require('$src/package.json').dependencies['@anthropic-ai/claude-code']")
key=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -d' ' -f1)

works() { # works BINARY: prints the version line if BINARY is the pinned CLI
  [ -x "$1" ] || return 1
  v=$("$1" --version 2>/dev/null) || return 1
  case "$v" in "$want "*|"$want") echo "$v" ;; *) return 1 ;; esac
}

if [ -f "$dest/.lock-sha256" ] && [ "$(cat "$dest/.lock-sha256")" = "$key" ] && v=$(works "$dest/claude"); then
  echo "e2e: Claude Code $v (cached in $dest)"
  exit 0
fi

rm -rf "$dest/node_modules" "$dest/claude" "$dest/.lock-sha256"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
echo "e2e: installing @anthropic-ai/claude-code@$want into $dest"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)

# The package's postinstall puts the native binary at bin/claude.exe; if install scripts
# did not run, the platform package still holds it.
for candidate in "$dest/node_modules/@anthropic-ai/claude-code/bin/claude.exe" \
                 "$dest"/node_modules/@anthropic-ai/claude-code-linux-*/claude; do
  if v=$(works "$candidate"); then
    ln -sfn "$candidate" "$dest/claude"
    echo "$key" > "$dest/.lock-sha256"
    echo "e2e: Claude Code $v installed"
    exit 0
  fi
done
echo "e2e: no working Claude Code $want binary after npm ci in $dest" >&2
exit 1
