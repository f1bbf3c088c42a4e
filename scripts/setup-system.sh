#!/usr/bin/env bash
# System packages the project needs beyond Python: WeasyPrint's Pango stack, HarfBuzz
# subsetting (smaller, faster PDFs), poppler-utils (pdftoppm for looking at PDFs),
# LibreOffice (the real-office check of generated workbooks and Word documents), PostgreSQL (the store's
# tests start a throwaway server of their own; without it they are skipped, loudly) and
# Chromium (the web application's browser tests drive Debian's chromium through Playwright).
# MATURITY_WITH_LIBREOFFICE=0 / MATURITY_WITH_POSTGRESQL=0 leave those out.
# Installs only what is missing; needs root (as on CI) or prints what to install.
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils chromium)
if [ "${MATURITY_WITH_LIBREOFFICE:-1}" = 1 ]; then
  want+=(libreoffice-calc-nogui libreoffice-writer-nogui)
fi
if [ "${MATURITY_WITH_POSTGRESQL:-1}" = 1 ]; then
  want+=(postgresql)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup-system: please install: ${missing[*]}" >&2
  exit 0
fi
echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
