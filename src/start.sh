#!/bin/sh
# `npm start`: compile src/ and migrations/ with esbuild (under a second) and run the result with
# plain Node, tuned for a small footprint (see README, "The embedded default's memory").
#
# Each start compiles into its own folder, named after this shell's process id, which `exec`
# hands on to Node: two starts from one checkout (two data folders) never write or delete the
# files the other is loading. A folder whose process has ended is removed at the next start.
set -eu
cache=node_modules/.cache/keukentafel
out="$cache/start-$$"

# Is process $1 a start of this kind (still compiling, or Node on its folder)? Where /proc tells
# what a process runs, a process id taken over by another program does not keep a folder alive.
running() {
  if [ -d /proc/self ]; then
    tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -q -e "start-$1/" -e 'src/start\.sh'
  else
    kill -0 "$1" 2>/dev/null
  fi
}

mkdir -p "$cache"
for dir in "$cache"/start*; do
  [ -e "$dir" ] || continue
  pid=${dir##*/start-}
  case $pid in '' | *[!0-9]*) rm -rf "$dir"; continue ;; esac
  [ "$pid" = "$$" ] || running "$pid" || rm -rf "$dir"
done
rm -rf "$out"
esbuild 'src/**/*.ts' 'migrations/*.ts' --outdir="$out" --outbase=. --platform=node --format=esm \
  --target=node20 --log-level=warning
exec node --max-semi-space-size=4 --liftoff-only --optimize-for-size "$out/src/server.js"
