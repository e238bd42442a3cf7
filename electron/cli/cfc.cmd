@echo off
rem `cfc` of the installed desktop app on Windows: the app in its --cli mode (electron\main.ts). The app's .exe is a
rem GUI-subsystem program, so Windows gives it no console: its output is piped through `more` to reach this one.
rem The pipe loses the exit status (0/1/2); scripts that need it run a console-subsystem launcher (electron\cli\README.md).
"%~dp0child-friendly-commune.exe" --cli %* | more
