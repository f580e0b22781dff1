#!/usr/bin/env bash
# Installs the system packages the test suite uses when they are missing: R with the survey package (the
# oracle for the estimation engine) and Chromium + ChromeDriver (browser tests). Uses apt-get when it is
# available and we are root; otherwise says which tests will skip. Never fails the build by itself.
set -u
need=()
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'suppressMessages(library(survey))' >/dev/null 2>&1; then
  need+=(r-base-core r-cran-survey)
fi
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
[ ${#need[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing system packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null \
    || echo "warning: apt-get could not install ${need[*]}; the tests that need them will skip"
else
  echo "note: ${need[*]} not installed and apt-get is not usable here; R and browser tests will skip"
fi
exit 0
