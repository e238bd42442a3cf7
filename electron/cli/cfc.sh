#!/bin/sh
# `cfc` of the installed desktop app (deb, AppImage): the app's own executable in its --cli mode (electron/main.ts:
# no window, no single-instance lock, the OS secret store for keys the desktop app sealed). See electron/cli/README.md.
#
# deb: shipped as /opt/<product>/cfc (electron-builder.yml extraFiles), linked from /usr/bin/cfc; AppImage: set CFC_APPIMAGE
# to the AppImage's path, or put this script next to it.
set -e
if [ -n "$CFC_APPIMAGE" ]; then
  exec "$CFC_APPIMAGE" --cli "$@"
fi
here=$(dirname "$(readlink -f "$0")")
for app in "$here/child-friendly-commune" "$here"/child-friendly-commune-*.AppImage; do
  if [ -x "$app" ]; then
    exec "$app" --cli "$@"
  fi
done
echo "cfc: không tìm thấy ứng dụng cạnh $here / the app was not found next to $here (set CFC_APPIMAGE)" >&2
exit 2
