# Script mode: writes OUT, a help2man include file with one section per bis-conform subcommand
# (its --help), since help2man itself reads only the top-level --help.
set(text "")
foreach(sub run lint requirements)
  execute_process(COMMAND ${EXE} ${sub} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${EXE} ${sub} --help exited ${rc}")
  endif()
  string(TOUPPER "${sub}" title)
  # roff reads a line starting with '.' or '\'' as a request; help text never should be one.
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
  string(APPEND text "[${title} COMMAND]\n.nf\n${help}.fi\n\n")
endforeach()
file(WRITE "${OUT}" "${text}")
