; Windows installer for Field Sampler (抽样助手): wraps the PyInstaller folder
; dist\field-sampler\ built on Windows (installer\README.md).
;
;   makensis /DPRODUCT_VERSION=0.1.0 installer\field-sampler.nsi
;
; Modelled on Electrum's contrib/build-wine/electrum.nsi (Modern UI 2, an
; uninstaller registered under HKCU, Start-menu shortcuts), with these
; differences on purpose:
; - per user, no administrator rights: RequestExecutionLevel user, installed
;   to %LOCALAPPDATA%\Programs\FieldSampler, registry entries under HKCU only;
; - the uninstaller deletes only what the installer put there (never
;   "RMDir /r $INSTDIR\*.*", which would empty a folder the user chose by
;   mistake), and keeps the user's data folder %LOCALAPPDATA%\FieldSampler
;   (records, photos, settings, logs) unless the user ticks "also delete my
;   data" (or runs Uninstall.exe /S /PURGE);
; - an upgrade replaces the program files and never touches the data: the
;   new version backs the database up and migrates it when it first starts.

Unicode true
!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!ifndef PRODUCT_VERSION
  !error "pass the version: makensis /DPRODUCT_VERSION=x.y.z (from pyproject.toml)"
!endif
!ifndef DIST_DIR
  !define DIST_DIR "..\dist\field-sampler"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "..\dist\field-sampler-${PRODUCT_VERSION}-setup.exe"
!endif

!define PRODUCT_NAME "抽样助手 Field Sampler"
!define PRODUCT_DIR "FieldSampler"
!define PRODUCT_PUBLISHER "Field Sampler"
!define EXE "field-sampler.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT_DIR}"
; where the app keeps its data (platformdirs: %LOCALAPPDATA%\FieldSampler)
!define DATA_DIR "$LOCALAPPDATA\FieldSampler"

Name "${PRODUCT_NAME}"
OutFile "${OUT_FILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT_DIR}"
InstallDirRegKey HKCU "Software\${PRODUCT_DIR}" ""
SetCompressor /SOLID lzma
CRCCheck on
ShowInstDetails show
ShowUninstDetails show
BrandingText "${PRODUCT_NAME} ${PRODUCT_VERSION}"

VIProductVersion "${PRODUCT_VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT_NAME}"
VIAddVersionKey "FileDescription" "${PRODUCT_NAME} installer"
VIAddVersionKey "FileVersion" "${PRODUCT_VERSION}"
VIAddVersionKey "ProductVersion" "${PRODUCT_VERSION}"
VIAddVersionKey "CompanyName" "${PRODUCT_PUBLISHER}"
VIAddVersionKey "LegalCopyright" "${PRODUCT_PUBLISHER}"

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!define MUI_PAGE_CUSTOMFUNCTION_SHOW un.ConfirmShow
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString KEEP_DATA ${LANG_SIMPCHINESE} "同时删除本机的抽样数据（记录、照片、设置）。未同步的记录将无法恢复！"
LangString KEEP_DATA ${LANG_ENGLISH} "Also delete the sampling data on this computer (records, photos, settings). Unsynced records cannot be recovered!"
LangString RUNNING ${LANG_SIMPCHINESE} "抽样助手正在运行。请先关闭它，再继续。"
LangString RUNNING ${LANG_ENGLISH} "Field Sampler is running. Close it first, then continue."

Var PurgeData
Var PurgeBox

Section "Install"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; an upgrade: the previous version's program files go first (only ours)
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\field-sampler.exe"
  Delete "$INSTDIR\field-sampler-console.exe"
  File /r "${DIST_DIR}\*.*"
  WriteRegStr HKCU "Software\${PRODUCT_DIR}" "" "$INSTDIR"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${PRODUCT_NAME}"
  CreateShortCut "$SMPROGRAMS\${PRODUCT_NAME}\${PRODUCT_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  CreateShortCut "$SMPROGRAMS\${PRODUCT_NAME}\卸载 Uninstall.lnk" "$INSTDIR\Uninstall.exe"

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${PRODUCT_VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PRODUCT_PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Function .onInit
  ; the same language as the app's default
  StrCpy $LANGUAGE ${LANG_SIMPCHINESE}
FunctionEnd

; --- uninstall -----------------------------------------------------------

Function un.onInit
  StrCpy $PurgeData 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    StrCpy $PurgeData 1
  ${EndIf}
FunctionEnd

; A tick box on the confirmation page, unticked: the data stays by default.
Function un.ConfirmShow
  ${NSD_CreateCheckbox} 0 -40u 100% 24u "$(KEEP_DATA)"
  Pop $PurgeBox
  ${NSD_OnClick} $PurgeBox un.PurgeClicked
FunctionEnd

Function un.PurgeClicked
  ${NSD_GetState} $PurgeBox $PurgeData
  ${If} $PurgeData == ${BST_CHECKED}
    StrCpy $PurgeData 1
  ${Else}
    StrCpy $PurgeData 0
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\field-sampler.exe"
  Delete "$INSTDIR\field-sampler-console.exe"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"                       ; only if now empty
  Delete "$SMPROGRAMS\${PRODUCT_NAME}\${PRODUCT_NAME}.lnk"
  Delete "$SMPROGRAMS\${PRODUCT_NAME}\卸载 Uninstall.lnk"
  RMDir "$SMPROGRAMS\${PRODUCT_NAME}"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${PRODUCT_DIR}"
  ${If} $PurgeData == 1
    RMDir /r "${DATA_DIR}"
  ${EndIf}
SectionEnd
