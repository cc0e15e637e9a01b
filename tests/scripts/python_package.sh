#!/usr/bin/env bash
# The Python package from a clean checkout, as a user installs it (ctest
# `python_package`, Release preset only): a venv with the system's NumPy,
# SciPy and pytest, scikit-build-core and nanobind (and mypy, for
# test_stubs.py's type check) from PyPI, `pip install`
# of the repository, then pytest on python/tests. The C++ reference program
# (python/tests/cpp_reference.cpp) is built with the module's flags in the
# same build directory, for test_cpp_identical.py.
#   tests/scripts/python_package.sh PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
python=$1 src=$2 work=$3
mkdir -p "${work}"
if [[ ! -x "${work}/venv/bin/python" ]]; then
    "${python}" -m venv --system-site-packages "${work}/venv"
fi
venv="${work}/venv/bin"
"${venv}/python" -m pip install --quiet --disable-pip-version-check \
    "scikit-build-core>=0.10" "nanobind>=2.0" "mypy>=1.8"
start=$(date +%s)
CMAKE_BUILD_PARALLEL_LEVEL=2 "${venv}/python" -m pip install --quiet --disable-pip-version-check \
    --no-build-isolation --no-deps \
    --config-settings=build-dir="${work}/build" \
    --config-settings=cmake.define.LEVYSGD_PYTHON_REFERENCE=ON "${src}"
echo "python_package: pip install took $(( $(date +%s) - start )) s"
cd "${work}" # import the installed package, not python/levysgd of the checkout
LEVYSGD_CPP_REFERENCE="${work}/build/python" \
    "${venv}/python" -m pytest -q -p no:cacheprovider "${src}/python/tests"
# The other compiled variants this CPU runs, against their own C++ programs.
for simd in $("${venv}/python" -c "import levysgd; print(' '.join(v for v, _ in levysgd._simd_variants()[1:]))"); do
    echo "python_package: LEVYSGD_SIMD=${simd}"
    LEVYSGD_SIMD=${simd} LEVYSGD_CPP_REFERENCE="${work}/build/python" \
        "${venv}/python" -m pytest -q -p no:cacheprovider "${src}/python/tests/test_cpp_identical.py"
done
