# Every C++ code block of README.md and docs/*.md is compiled and run by the
# test suite, so the documentation cannot drift from the API.
#
# Rules (docs/development.md, "Code blocks in the docs"):
# - a block fenced ```cpp is one complete translation unit: its #include lines
#   first, then code; a block with `int main()` is also run and must return 0;
# - the blocks of one page become one program: each block in a namespace of its
#   own (doc_block_<line>), its #include lines hoisted to the top of the file,
#   its main renamed; #line directives make errors point at the Markdown line;
# - any other C++ fence (```c++, ```cxx, ```C++) is refused at configure time,
#   so no block escapes the check; output and signatures use ```text.

# levysgd_doc_program(<md file> <generated .cpp> <out: number of blocks>)
function(levysgd_doc_program md gen out_count)
    file(READ "${md}" text)
    file(RELATIVE_PATH md_rel "${PROJECT_SOURCE_DIR}" "${md}")
    # A fence line (at a line start, maybe indented) naming C++ otherwise.
    string(REGEX MATCH "(^|\n)[ \t]*```[ \t]*(c\\+\\+|C\\+\\+|cxx|cc|CPP|Cpp)[ \t]*\n" bad "${text}")
    if(bad)
        string(STRIP "${bad}" bad)
        message(FATAL_ERROR "levysgd docs: ${md_rel} has a block fenced ${bad}; "
            "fence C++ as ```cpp (it is compiled) and anything else as ```text")
    endif()
    set(includes "")
    set(bodies "")
    set(calls "")
    set(count 0)
    set(rest "${text}")
    set(consumed 0) # characters of text before rest
    while(TRUE)
        string(FIND "${rest}" "```cpp\n" open)
        if(open EQUAL -1)
            break()
        endif()
        math(EXPR body_start "${open} + 7")
        string(SUBSTRING "${rest}" ${body_start} -1 after)
        # The closing fence may be indented (a block inside a list item).
        string(FIND "${after}" "```" close)
        if(close EQUAL -1)
            message(FATAL_ERROR "levysgd docs: ${md_rel}: unterminated ```cpp block")
        endif()
        string(SUBSTRING "${after}" 0 ${close} body)
        # Line of the block's first code line: newlines before it, plus one.
        math(EXPR upto "${consumed} + ${body_start}")
        string(SUBSTRING "${text}" 0 ${upto} before)
        string(REGEX MATCHALL "\n" newlines "${before}")
        list(LENGTH newlines line)
        math(EXPR line "${line} + 1")
        # Hoist the #include lines; blank them in place so #line stays exact.
        string(REGEX MATCHALL "#[ \t]*include[^\n]*" block_includes "${body}")
        foreach(inc IN LISTS block_includes)
            string(STRIP "${inc}" inc)
            if(NOT inc IN_LIST includes)
                list(APPEND includes "${inc}")
            endif()
        endforeach()
        string(REGEX REPLACE "#[ \t]*include[^\n]*" "" body "${body}")
        set(ns "doc_block_${line}")
        string(FIND "${body}" "int main()" has_main)
        if(NOT has_main EQUAL -1)
            # main may end without a return statement (it then returns 0);
            # the renamed function may not, so such a block gets a void one.
            string(FIND "${body}" "return" has_return)
            if(has_return EQUAL -1)
                string(REPLACE "int main()" "void levysgd_doc_main_void()" body "${body}")
                string(APPEND body "\ninline int levysgd_doc_main() { levysgd_doc_main_void(); return 0; }")
            else()
                string(REPLACE "int main()" "int levysgd_doc_main()" body "${body}")
            endif()
            string(APPEND calls
                "    run(\"${md_rel}:${line}\", &${ns}::levysgd_doc_main, failed);\n")
        endif()
        string(APPEND bodies "namespace ${ns} {\n#line ${line} \"${md_rel}\"\n${body}\n} // namespace ${ns}\n")
        math(EXPR count "${count} + 1")
        math(EXPR next "${body_start} + ${close} + 3")
        string(SUBSTRING "${rest}" ${next} -1 rest)
        math(EXPR consumed "${consumed} + ${next}")
    endwhile()
    set(src "// Generated from ${md_rel} by tests/doc_snippets.cmake: do not edit.\n")
    foreach(inc IN LISTS includes)
        string(APPEND src "${inc}\n")
    endforeach()
    string(APPEND src "#include <cstdio>\n\n${bodies}\n")
    string(APPEND src [=[
namespace {
void run(const char* where, int (*block)(), int& failed)
{
    std::printf("--- %s\n", where);
    std::fflush(stdout);
    const int rc = block();
    std::fflush(stdout);
    if (rc != 0) {
        std::printf("FAILED: the block at %s returned %d\n", where, rc);
        ++failed;
    }
}
} // namespace

int main()
{
    int failed = 0;
]=])
    string(APPEND src "${calls}")
    string(APPEND src "    return failed == 0 ? 0 : 1;\n}\n")
    # Rewrite only on change, so an unchanged page is not recompiled.
    file(WRITE "${gen}.tmp" "${src}")
    configure_file("${gen}.tmp" "${gen}" COPYONLY)
    set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${md}")
    set(${out_count} ${count} PARENT_SCOPE)
endfunction()

file(GLOB LEVYSGD_DOC_PAGES CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/docs/*.md")
list(SORT LEVYSGD_DOC_PAGES)
list(PREPEND LEVYSGD_DOC_PAGES "${PROJECT_SOURCE_DIR}/README.md")
set(LEVYSGD_DOC_DIR "${CMAKE_CURRENT_BINARY_DIR}/doc_snippets")
set(LEVYSGD_DOC_BLOCKS 0)
foreach(md IN LISTS LEVYSGD_DOC_PAGES)
    get_filename_component(stem "${md}" NAME_WE)
    string(MAKE_C_IDENTIFIER "${stem}" stem)
    set(gen "${LEVYSGD_DOC_DIR}/doc_${stem}.cpp")
    levysgd_doc_program("${md}" "${gen}" n)
    if(n EQUAL 0)
        continue()
    endif()
    math(EXPR LEVYSGD_DOC_BLOCKS "${LEVYSGD_DOC_BLOCKS} + ${n}")
    add_executable(doc_${stem} "${gen}")
    target_link_libraries(doc_${stem} PRIVATE levysgd::levysgd levysgd_project_options)
    # docs/extending.md builds on the custom study of examples/.
    target_include_directories(doc_${stem} PRIVATE "${PROJECT_SOURCE_DIR}/examples")
    set_target_properties(doc_${stem} PROPERTIES CXX_EXTENSIONS OFF)
    add_test(NAME doc_${stem} COMMAND doc_${stem})
    set_tests_properties(doc_${stem} PROPERTIES LABELS "docs" TIMEOUT 300)
endforeach()
message(STATUS "levysgd: ${LEVYSGD_DOC_BLOCKS} C++ blocks in README.md and docs/ are compiled as tests")

# Every relative link and #anchor of README.md, CHANGELOG.md and docs/*.md.
add_test(NAME doc_links
    COMMAND "${CMAKE_COMMAND}" "-DROOT=${PROJECT_SOURCE_DIR}" -P
            "${CMAKE_CURRENT_SOURCE_DIR}/check_doc_links.cmake")
set_tests_properties(doc_links PROPERTIES LABELS "docs")

# The data behind the committed figures (docs/images/data/*.csv) must be what
# the examples print today, for the same seeds: make_figures.py --check
# reruns the five deterministic programs (standard library Python only;
# real_gradient_noise takes about 80 s of it).
if(LEVYSGD_BUILD_EXAMPLES)
    find_package(Python3 COMPONENTS Interpreter)
    if(Python3_Interpreter_FOUND)
        add_test(NAME doc_figures_data
            COMMAND Python3::Interpreter "${PROJECT_SOURCE_DIR}/docs/images/make_figures.py"
                    --check --build "${CMAKE_BINARY_DIR}")
        set_tests_properties(doc_figures_data PROPERTIES LABELS "docs" TIMEOUT 600 COST 110
            SKIP_RETURN_CODE 77)
    else()
        message(STATUS "levysgd: no Python 3; the figure-data check (doc_figures_data) is skipped")
    endif()
endif()
