#!/usr/bin/env bash
# Installs the system packages the tests need (Debian/Ubuntu): Chromium and a colour emoji font for
# the browser tests, and redis-server for the multi-process tests. Does nothing for what is already there.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
# Colour emoji in the browser (without it Linux draws them as black outlines, or not at all).
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10 >/dev/null
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
