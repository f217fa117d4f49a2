; OrderDesk's additions to the NSIS installer Tauri makes
; (bundle.windows.nsis.installerHooks in tauri.release.conf.json).
;
; After the files are in place the installer asks whether this PC is the
; office server; yes installs and starts the server as a Windows service
; (`orderdesk-server service install`: automatic start, its port opened in
; the firewall, data in %ProgramData%\OrderDesk Server). A silent install
; (/S) answers no unless /SERVER is given. Uninstalling stops and removes
; the service; its data stays.

!include "FileFunc.nsh"

!macro NSIS_HOOK_POSTINSTALL
  StrCpy $R9 "no"
  ${GetParameters} $R8
  ClearErrors
  ${GetOptions} $R8 "/SERVER" $R7
  ${IfNot} ${Errors}
    StrCpy $R9 "yes"
  ${ElseIfNot} ${Silent}
    MessageBox MB_YESNO|MB_ICONQUESTION "这台电脑是办公室服务器吗？$\r$\n是：安装并启动 OrderDesk 办公室服务器（Windows 服务，开机自动运行），其他电脑的 OrderDesk 都连接到它。$\r$\n$\r$\nIs this PC the office server?$\r$\nYes installs and starts the OrderDesk office server (a Windows service that starts with Windows); every other desk connects to it." /SD IDNO IDNO +2
    StrCpy $R9 "yes"
  ${EndIf}
  ${If} $R9 == "yes"
    DetailPrint "orderdesk-server service install"
    nsExec::ExecToLog '"$INSTDIR\orderdesk-server.exe" service install'
    Pop $R6
    ${If} $R6 != 0
      MessageBox MB_OK|MB_ICONEXCLAMATION "办公室服务器未能安装为服务（$R6）。请以管理员身份运行：orderdesk-server service install$\r$\nThe office server could not be installed as a service ($R6). As administrator, run: orderdesk-server service install" /SD IDOK
    ${EndIf}
  ${EndIf}
!macroend

!macro NSIS_HOOK_PREUNINSTALL
  ; Nothing to do when it was never installed as a service.
  nsExec::ExecToLog '"$INSTDIR\orderdesk-server.exe" service uninstall'
  Pop $R6
!macroend
