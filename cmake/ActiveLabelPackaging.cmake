# Install rules for the desktop integration files and the CPack configuration of the Debian
# package `activelabel`. Included last from the top-level CMakeLists.txt, so every install()
# rule of the project is known when CPack is configured.
#
#   cmake --build BUILD && (cd BUILD && cpack -G DEB)      -> BUILD/activelabel_<version>_<arch>.deb
#   packaging/test-deb.sh                                  -> builds it and installs it into a clean
#                                                             Debian 12 root (slow, run by hand)
include_guard(GLOBAL)
include(GNUInstallDirs)

# AppStream component id and desktop-file basename. Reverse-DNS of the project's homepage domain
# (example.invalid): rename both when the project gets a real home, as AppStream ids are meant
# to stay stable afterwards.
set(ACTIVELABEL_APP_ID "invalid.example.activelabel" CACHE STRING "AppStream id / desktop file basename")
# Date of the release named by project(VERSION): goes into the AppStream <release> entry.
# Update together with the version number.
set(ACTIVELABEL_RELEASE_DATE "2026-11-28")

set(_pkg_dir "${PROJECT_SOURCE_DIR}/packaging/linux")
set(_icon_dir "${PROJECT_SOURCE_DIR}/resources/icons")
set(_gen_dir "${PROJECT_BINARY_DIR}/packaging")

configure_file(${_pkg_dir}/activelabel.desktop.in ${_gen_dir}/${ACTIVELABEL_APP_ID}.desktop @ONLY)
configure_file(${_pkg_dir}/activelabel.metainfo.xml.in ${_gen_dir}/${ACTIVELABEL_APP_ID}.metainfo.xml @ONLY)

install(FILES ${_gen_dir}/${ACTIVELABEL_APP_ID}.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${_gen_dir}/${ACTIVELABEL_APP_ID}.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
# hicolor theme: the SVG for any size, PNGs (rendered from it with rsvg-convert and checked in)
# for menus and docks that do not render SVG. The icon name `activelabel` is the desktop Icon=.
install(FILES ${_icon_dir}/activelabel.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(_size 48 128 256)
  install(FILES ${_icon_dir}/activelabel-${_size}.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_size}x${_size}/apps
          RENAME activelabel.png)
endforeach()

# qt_standard_project_setup() gives executables an install RUNPATH of $ORIGIN:$ORIGIN/../lib for
# relocatable bundles. Ours link only system libraries (the project libraries are static), so in
# /usr/bin it would only make the loader search /usr/lib first, which Debian policy forbids.
foreach(_exe activelabel activelabel-cli)
  if(TARGET ${_exe})
    set_target_properties(${_exe} PROPERTIES INSTALL_RPATH "")
  endif()
endforeach()

# Validators for the two metadata files, as ordinary tests when the tools are installed
# (desktop-file-utils, appstream); --no-net: the test machines are offline.
if(ACTIVELABEL_BUILD_TESTS)
  find_program(DESKTOP_FILE_VALIDATE desktop-file-validate)
  find_program(APPSTREAMCLI appstreamcli)
  if(DESKTOP_FILE_VALIDATE)
    add_test(NAME packaging_desktop_file_validate
             COMMAND ${DESKTOP_FILE_VALIDATE} ${_gen_dir}/${ACTIVELABEL_APP_ID}.desktop)
  endif()
  if(APPSTREAMCLI)
    add_test(NAME packaging_appstream_validate
             COMMAND ${APPSTREAMCLI} validate --no-net --explain
                     ${_gen_dir}/${ACTIVELABEL_APP_ID}.metainfo.xml)
  endif()
endif()

# ---- CPack: Debian package ---------------------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "activelabel")
set(CPACK_PACKAGE_VENDOR "ActiveLabel developers")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "ActiveLabel developers <activelabel@example.invalid>")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
# Only the installed files are packaged; keep build trees and VCS data out of source packages.
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/build-[^/]*/" "/\\\\.cache/")

set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # activelabel_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY (project DESCRIPTION); this is the extended
# description, which CPack indents.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "ActiveLabel shows the annotator the images the current image classifier is least
certain about, stores every label durably in SQLite, and fine-tunes the model
incrementally (frozen, last N blocks, full, from scratch, or automatic) as the
labels arrive, with live accuracy plots and TorchScript and ONNX export.
.
This package contains the desktop application (activelabel) and the headless
command-line tool (activelabel-cli), which also runs active-learning simulations.")

# Libraries the executables link are found by dpkg-shlibdeps (Qt 6, libtorch, OpenCV, SQLite,
# zlib, libonnx1 for the ONNX export, libstdc++ ...), with the minimum versions their symbols need.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What follows is loaded at run time by name (dlopen, plugins, alternatives), so no linker and
# no dpkg-shlibdeps sees it. Not listed, on purpose:
#  - libqt6sql6-sqlite (Qt's SQLite driver): storage/ uses the sqlite3 C API directly (libsqlite3-0,
#    found by shlibdeps); nothing links Qt Sql.
#  - qt6-qpa-plugins: holds only the VNC platform plugin; xcb and offscreen are in libqt6gui6,
#    which shlibdeps adds.
set(_activelabel_runtime_depends
  # Qt image-format plugins (TIFF, WebP, ...): storage/'s decoder reads those formats through
  # QImageReader, which loads them as plugins; without them such images are rejected on import.
  "qt6-image-formats-plugins"
  # Qt SVG icon engine: the window icon is an SVG in the Qt resources; QIcon renders it through
  # the iconengines plugin of libqt6svg6, else the window has no icon.
  "libqt6svg6"
  # Optimised BLAS: libtorch links libblas.so.3, which the alternatives system points at the
  # highest-priority BLAS installed; with only the reference libblas3 (what libtorch's own
  # Depends pulls in) training runs about 1.5x slower.
  "libopenblas0-pthread")
list(JOIN _activelabel_runtime_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
  # The Fashion-MNIST IDX files the demo project and `import-fashion-mnist` read.
  "dataset-fashion-mnist")

include(CPack)
