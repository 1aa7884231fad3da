# The dependency rule of DESIGN.md:
#   apps -> reports -> runner -> common,  apps -> mock -> common.
# runner never includes mock, mock never includes runner, reports sees only the runner's
# result model, nothing below apps includes apps. Checked over every source file's
# #include lines, including relative ("../mock/x.h") spellings that per-module include
# directories alone would not catch.
#
# Configure time: bis_check_dependency_rule(<root>) stops with FATAL_ERROR on a violation.
# Script mode (used by a test): cmake -DROOT=<dir> -P DependencyRule.cmake; exit code 1 on
# a violation, the offending file:line on stderr.

function(_bis_forbidden module out)
  if(module STREQUAL "common")
    set(f "mock" "runner" "reports" "apps")
  elseif(module STREQUAL "mock")
    set(f "runner" "reports" "apps")
  elseif(module STREQUAL "runner")
    set(f "mock" "reports" "apps")
  elseif(module STREQUAL "reports")
    set(f "mock" "apps")
  else()
    set(f "")
  endif()
  set(${out} "${f}" PARENT_SCOPE)
endfunction()

function(bis_dependency_violations root out)
  set(violations "")
  foreach(module common mock runner reports)
    if(NOT IS_DIRECTORY "${root}/${module}")
      continue()
    endif()
    _bis_forbidden(${module} forbidden)
    file(GLOB_RECURSE files "${root}/${module}/*.h" "${root}/${module}/*.hh" "${root}/${module}/*.hpp"
         "${root}/${module}/*.cc" "${root}/${module}/*.cpp" "${root}/${module}/*.ipp")
    foreach(path IN LISTS files)
      file(STRINGS "${path}" lines REGEX "^[ \t]*#[ \t]*include")
      set(n 0)
      foreach(line IN LISTS lines)
        if(NOT line MATCHES "#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"]")
          continue()
        endif()
        set(inc "${CMAKE_MATCH_1}")
        foreach(bad IN LISTS forbidden)
          if(inc MATCHES "(^|/)(bis/)?${bad}/" AND NOT inc MATCHES "^bis/common/")
            file(RELATIVE_PATH rel "${root}" "${path}")
            list(APPEND violations "${rel}: '${module}' may not include '${inc}' (DESIGN.md dependency rule)")
          endif()
        endforeach()
        # reports depends only on the runner's result model.
        if(module STREQUAL "reports" AND inc MATCHES "(^|/)(bis/)?runner/" AND NOT inc MATCHES "runner/result[a-z_]*\\.h$")
          file(RELATIVE_PATH rel "${root}" "${path}")
          list(APPEND violations "${rel}: 'reports' may include only the runner's result model, not '${inc}'")
        endif()
      endforeach()
    endforeach()
  endforeach()
  set(${out} "${violations}" PARENT_SCOPE)
endfunction()

function(bis_check_dependency_rule root)
  bis_dependency_violations("${root}" violations)
  if(violations)
    list(JOIN violations "\n  " msg)
    message(FATAL_ERROR "Dependency rule broken:\n  ${msg}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  if(NOT ROOT)
    message(FATAL_ERROR "usage: cmake -DROOT=<dir> -P DependencyRule.cmake")
  endif()
  bis_dependency_violations("${ROOT}" violations)
  if(violations)
    list(JOIN violations "\n  " msg)
    message(FATAL_ERROR "Dependency rule broken:\n  ${msg}")
  endif()
  message(STATUS "dependency rule holds under ${ROOT}")
endif()
