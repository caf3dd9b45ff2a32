; Inno Setup 6 script of the GridWorker installer for Windows (网格员工作台).
;
; Built by `python build_installer.py` on Windows when iscc is on PATH, which passes:
;   /DAppVersion=<gridworker.__version__>  /DAppNumericVersion=<its leading numbers>  /DBundleDir=<dist\GridWorker>
;   /DOutputDir=<dist>  /DOutputBaseName=GridWorker-<version>-windows-x86_64-setup
; By hand: iscc /DAppVersion=0.1.0 /DBundleDir=..\dist\GridWorker packaging\gridworker.iss
;
; - Per user: installs to %LOCALAPPDATA%\Programs\GridWorker, needs no administrator.
; - Start-menu shortcut (and a desktop one if ticked).
; - Uninstalling removes the program folder only. The data (accounts, encrypted
;   databases, photos, logs) lives in %LOCALAPPDATA%\GridWorker, which this script
;   never installs into and never deletes: reinstalling finds it again.
; - Installing a newer version over an older one replaces the program files and
;   keeps the data.
; Needs Inno Setup 6.3 or later (x64compatible). Saved as UTF-8 with a BOM for the Chinese names.

#ifndef AppVersion
  #error Give the version: iscc /DAppVersion=X.Y.Z (python build_installer.py does)
#endif
#ifndef AppNumericVersion
  ; Windows file versions are numbers only (0.1.0 of 0.1.0rc1)
  #define AppNumericVersion AppVersion
#endif
#ifndef BundleDir
  #define BundleDir "..\dist\GridWorker"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif
#ifndef OutputBaseName
  #define OutputBaseName "GridWorker-" + AppVersion + "-windows-x86_64-setup"
#endif
#define AppExe "GridWorker.exe"

[Setup]
; The AppId ties upgrades and the uninstaller together: never change it.
AppId={{5C2E8F0A-7B1D-4E6A-9C3F-2A8D4B6E1F07}
AppName=GridWorker 网格员工作台
AppVersion={#AppVersion}
AppVerName=GridWorker 网格员工作台 {#AppVersion}
AppPublisher=GridWorker
VersionInfoVersion={#AppNumericVersion}
; Per-user install: {autopf} is %LOCALAPPDATA%\Programs when not elevated.
PrivilegesRequired=lowest
DefaultDirName={autopf}\GridWorker
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Close a running GridWorker (Restart Manager) before replacing its files.
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName=GridWorker 网格员工作台
OutputDir={#OutputDir}
OutputBaseFilename={#OutputBaseName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(CompilerPath) + "Languages\Unofficial\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\Unofficial\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; The bundle of an older version may hold libraries the new one no longer has.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\网格员工作台 GridWorker"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\网格员工作台 GridWorker"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,网格员工作台}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] and no [Dirs] outside {app}: the data folder
; %LOCALAPPDATA%\GridWorker is the user's and stays when the program goes.
