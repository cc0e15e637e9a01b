# Some xsimd packages (e.g. Debian 12's libxsimd-dev 8.1) export an xsimd
# target whose INTERFACE_LINK_LIBRARIES names "xtl" without loading xtl's
# package, which turns into a bogus "-lxtl" on the link line. xtl is only
# needed when XSIMD_ENABLE_XTL_COMPLEX is defined (levysgd never does), so use
# the real xtl package when available, otherwise an empty stand-in target.
# Included after find_package(xsimd) by CMakeLists.txt and levysgdConfig.cmake.
if(TARGET xsimd AND NOT TARGET xtl)
    get_target_property(_levysgd_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
    if(_levysgd_xsimd_links AND "xtl" IN_LIST _levysgd_xsimd_links)
        find_package(xtl QUIET CONFIG)
        if(NOT TARGET xtl)
            add_library(xtl INTERFACE IMPORTED)
        endif()
    endif()
    unset(_levysgd_xsimd_links)
endif()
