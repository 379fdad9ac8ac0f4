#!/usr/bin/env bash
# Install what the export tests compile and parse with: the minimal Debian TeX Live set and the npm BibTeX parser
# Zotero's Better BibTeX uses. Idempotent; returns at once when everything is already there.
#   texlive-latex-base        pdflatex, bibtex, natbib/plainnat.bst, fontenc/textcomp
#   texlive-latex-recommended (needed by the others)      texlive-bibtex-extra  biblatex.sty
#   biber                     biblatex's backend          texlive-publishers    IEEEtran.bst
#   lmodern                   T1 fonts (Latin Modern)     latex-cjk-chinese + latex-cjk-chinese-arphic-gbsn00lp  CJKutf8 + a CJK font
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber texlive-publishers lmodern
          latex-cjk-chinese latex-cjk-chinese-arphic-gbsn00lp)
NPM_PARSER="@retorquere/bibtex-parser@9.0.29"

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f .tools/node_modules/@retorquere/bibtex-parser/package.json ]; then
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --no-save --silent "$NPM_PARSER"
fi
