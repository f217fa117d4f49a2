//! The office server as a Windows service: registered with the service
//! manager (automatic start, restarted after a crash, running as
//! LocalSystem), its port opened in Windows Defender Firewall for the
//! private and domain networks, its data in `%ProgramData%\OrderDesk Server`
//! (made private to the service's account and Administrators at its first
//! start). The service being stopped, or Windows shutting down, stops it as
//! SIGTERM does: calls in flight finish, running jobs stop resumable, and
//! it reports a clean stop. It logs to `server.log` in its data folder.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use orderdesk_server::Options;
use windows_service::service::{
    ServiceAccess, ServiceAction, ServiceActionType, ServiceControl, ServiceControlAccept,
    ServiceErrorControl, ServiceExitCode, ServiceFailureActions, ServiceFailureResetPeriod,
    ServiceInfo, ServiceStartType, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult};
use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};
use windows_service::{define_windows_service, service_dispatcher};

/// The service's name (`sc query OrderDeskServer`).
pub const NAME: &str = "OrderDeskServer";
const DISPLAY: &str = "OrderDesk office server";
const DESCRIPTION: &str = "Keeps the office's orders; every OrderDesk desk connects to it.";
/// Windows is told a stop may take this long: the server's drain limit
/// (a bulk job's batch) and a little more.
const STOP_HINT: Duration = Duration::from_secs(70);

/// `%ProgramData%\OrderDesk Server`.
pub fn default_data() -> PathBuf {
    std::env::var_os("ProgramData")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"))
        .join("OrderDesk Server")
}

fn refused(e: windows_service::Error) -> String {
    match &e {
        windows_service::Error::Winapi(io) if io.raw_os_error() == Some(5) => {
            "Windows refused: run this as administrator".into()
        }
        windows_service::Error::Winapi(io) if io.raw_os_error() == Some(1073) => {
            format!("the service {NAME} is installed already")
        }
        windows_service::Error::Winapi(io) if io.raw_os_error() == Some(1060) => {
            format!("the service {NAME} is not installed")
        }
        _ => format!("{e}"),
    }
}

fn restart_after(seconds: u64) -> ServiceAction {
    ServiceAction {
        action_type: ServiceActionType::Restart,
        delay: Duration::from_secs(seconds),
    }
}

/// Registers the service to run `orderdesk-server ARGS service run`, opens
/// its port, starts it.
pub fn install(data: &Path, listen: SocketAddr, args: Vec<OsString>) -> Result<String, String> {
    let manager = ServiceManager::local_computer(
        None::<&str>,
        ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE,
    )
    .map_err(refused)?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let info = ServiceInfo {
        name: NAME.into(),
        display_name: DISPLAY.into(),
        service_type: ServiceType::OWN_PROCESS,
        start_type: ServiceStartType::AutoStart,
        error_control: ServiceErrorControl::Normal,
        executable_path: exe.clone(),
        launch_arguments: args
            .into_iter()
            .chain(["service".into(), "run".into()])
            .collect(),
        dependencies: vec![],
        // LocalSystem: the account that owns the data folder and keeps the
        // database's key in its Credential Manager.
        account_name: None,
        account_password: None,
    };
    let service = manager
        .create_service(
            &info,
            ServiceAccess::CHANGE_CONFIG | ServiceAccess::START | ServiceAccess::QUERY_STATUS,
        )
        .map_err(refused)?;
    service.set_description(DESCRIPTION).map_err(refused)?;
    // Restarted after a crash: after 2 s, 10 s, then a minute; counted anew
    // each day.
    service
        .update_failure_actions(ServiceFailureActions {
            reset_period: ServiceFailureResetPeriod::After(Duration::from_secs(24 * 3600)),
            reboot_msg: None,
            command: None,
            actions: Some(vec![restart_after(2), restart_after(10), restart_after(60)]),
        })
        .map_err(refused)?;
    let firewall = match firewall::open(&exe, listen.port()) {
        Ok(()) => format!("port {} opened in Windows Defender Firewall", listen.port()),
        Err(e) => format!(
            "the firewall rule could not be added ({e}): open TCP port {} for the private network",
            listen.port()
        ),
    };
    service.start::<&str>(&[]).map_err(refused)?;
    Ok(format!(
        "installed and started {NAME} ({DISPLAY}); data in {}; {firewall}",
        data.display()
    ))
}

/// Stops the service, removes it and its firewall rule. The data stays.
pub fn uninstall() -> Result<String, String> {
    let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
        .map_err(refused)?;
    let service = manager
        .open_service(
            NAME,
            ServiceAccess::QUERY_STATUS | ServiceAccess::STOP | ServiceAccess::DELETE,
        )
        .map_err(refused)?;
    stop_and_wait(&service)?;
    service.delete().map_err(refused)?;
    let _ = firewall::close();
    Ok(format!("removed {NAME}; its data folder is kept"))
}

pub fn start() -> Result<String, String> {
    let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
        .map_err(refused)?;
    let service = manager
        .open_service(NAME, ServiceAccess::START)
        .map_err(refused)?;
    service.start::<&str>(&[]).map_err(refused)?;
    Ok(format!("started {NAME}"))
}

pub fn stop() -> Result<String, String> {
    let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
        .map_err(refused)?;
    let service = manager
        .open_service(NAME, ServiceAccess::QUERY_STATUS | ServiceAccess::STOP)
        .map_err(refused)?;
    stop_and_wait(&service)?;
    Ok(format!("stopped {NAME}"))
}

/// Asks the service to stop (when it runs) and waits until it has.
fn stop_and_wait(service: &windows_service::service::Service) -> Result<(), String> {
    let state = || service.query_status().map(|s| s.current_state);
    if state().map_err(refused)? == ServiceState::Stopped {
        return Ok(());
    }
    service.stop().map_err(refused)?;
    let end = Instant::now() + STOP_HINT + Duration::from_secs(10);
    while state().map_err(refused)? != ServiceState::Stopped {
        if Instant::now() > end {
            return Err(format!("{NAME} did not stop within {STOP_HINT:?}"));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Ok(())
}

/// What the service serves, set before the dispatcher calls `service_main`.
static OPTIONS: OnceLock<Options> = OnceLock::new();

/// Hands this process to the service manager (which started it with
/// `service run`); returns when the service has stopped.
pub fn run(options: Options) -> ExitCode {
    if orderdesk_core::store::files::private_dir(&options.data).is_ok() {
        let _ = crate::logger::to_file(&options.data.join("server.log"));
    }
    let _ = OPTIONS.set(options);
    match service_dispatcher::start(NAME, ffi_service_main) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error: `service run` is for Windows' service manager ({e}); to serve in this \
                 window, leave out `service run`"
            );
            ExitCode::from(2)
        }
    }
}

define_windows_service!(ffi_service_main, service_main);

fn service_main(_arguments: Vec<OsString>) {
    let Some(options) = OPTIONS.get().cloned() else {
        return;
    };
    let (asked, stop) = tokio::sync::oneshot::channel::<()>();
    let asked = Mutex::new(Some(asked));
    let handler = move |control| match control {
        ServiceControl::Stop | ServiceControl::Preshutdown | ServiceControl::Shutdown => {
            if let Some(asked) = asked.lock().unwrap_or_else(|p| p.into_inner()).take() {
                let _ = asked.send(());
            }
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    };
    let status = match service_control_handler::register(NAME, handler) {
        Ok(s) => s,
        Err(e) => {
            log::error!("the service manager did not take the service: {e}");
            return;
        }
    };
    let report = move |state, accepted, exit_code, wait_hint| {
        let _ = status.set_service_status(ServiceStatus {
            service_type: ServiceType::OWN_PROCESS,
            current_state: state,
            controls_accepted: accepted,
            exit_code,
            checkpoint: 0,
            wait_hint,
            process_id: None,
        });
    };
    report(
        ServiceState::Running,
        // Pre-shutdown rather than shutdown: Windows then waits for the
        // drain instead of a few seconds.
        ServiceControlAccept::STOP | ServiceControlAccept::PRESHUTDOWN,
        ServiceExitCode::Win32(0),
        Duration::ZERO,
    );
    log::info!("started by the service manager");
    let served = crate::serve(options, async move {
        let _ = stop.await;
        log::info!("the service manager asks the server to stop");
        report(
            ServiceState::StopPending,
            ServiceControlAccept::empty(),
            ServiceExitCode::Win32(0),
            STOP_HINT,
        );
    });
    let exit_code = if served == ExitCode::SUCCESS {
        ServiceExitCode::Win32(0)
    } else {
        ServiceExitCode::ServiceSpecific(1)
    };
    report(
        ServiceState::Stopped,
        ServiceControlAccept::empty(),
        exit_code,
        Duration::ZERO,
    );
}

/// The inbound rule for the server's port, through `netsh` (what Windows'
/// own installers use), on the private and domain networks only.
mod firewall {
    use std::path::Path;
    use std::process::Command;

    const RULE: &str = "OrderDesk office server";

    fn netsh(args: &[&str]) -> Result<(), String> {
        let out = Command::new("netsh")
            .args(["advfirewall", "firewall"])
            .args(args)
            .output()
            .map_err(|e| format!("netsh: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
    }

    pub fn open(exe: &Path, port: u16) -> Result<(), String> {
        // One rule, whatever was there before.
        let _ = close();
        netsh(&[
            "add",
            "rule",
            &format!("name={RULE}"),
            "dir=in",
            "action=allow",
            "protocol=TCP",
            &format!("localport={port}"),
            "profile=private,domain",
            &format!("program={}", exe.display()),
        ])
    }

    pub fn close() -> Result<(), String> {
        netsh(&["delete", "rule", &format!("name={RULE}")])
    }
}
