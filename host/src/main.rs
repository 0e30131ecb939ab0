//! The `waymark` command: `serve`, `admin create`, `openapi`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use waymark::accounts::Accounts;
use waymark::config::LogFormat;
use waymark::store::Db;
use waymark::{App, Config};

#[derive(Parser)]
#[command(name = "waymark", version, about = "Self-hosted counters, short links, QR codes, unshortening and analytics")]
struct Cli {
    /// Configuration file (TOML). Also `WAYMARK_CONFIG`.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve,
    /// Operator tasks that bypass the API.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Write the OpenAPI document (to stdout, or to --output).
    Openapi {
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin user, or promote an existing one (and set its password).
    Create {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (required: passwords never
        /// go on the command line, where `ps` shows them).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (config, ignored_env) = match Config::load(cli.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("waymark: {error}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    // Only now can the loader's warning reach the log.
    ignored_env.warn();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("waymark: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("waymark: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = App::build(config).await?;
            app.run(waymark::server::shutdown_signal()).await?;
        }
        Command::Admin { command: AdminCommand::Create { email, password_stdin: _ } } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            // Only the database and accounts: no need to start plugins for this.
            std::fs::create_dir_all(&config.data_dir)
                .with_context(|| format!("creating {}", config.data_dir.display()))?;
            let db = Db::connect(config.database_url.as_deref(), &config.data_dir).await?;
            let accounts = Accounts::new(db, config.auth.clone(), &config.data_dir).await?;
            let (user, key) = accounts.ensure_admin(&email, password).await?;
            match key {
                Some(key) => println!("created admin {} (id {}); API key: {key}", user.email, user.id),
                None => println!("promoted {} (id {}) to admin; password updated", user.email, user.id),
            }
        }
        Command::Openapi { output } => {
            // The spec does not depend on stored data: build against a
            // throw-away database so this works anywhere, even offline.
            let scratch = tempfile_dir()?;
            let config = Config { data_dir: scratch.clone(), database_url: None, ..config };
            let spec = App::build(config).await?.spec_json();
            let _ = std::fs::remove_dir_all(&scratch);
            match output {
                Some(path) => {
                    std::fs::write(&path, spec + "\n").with_context(|| format!("writing {}", path.display()))?
                }
                None => println!("{spec}"),
            }
        }
    }
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("waymark-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

fn init_logging(config: &Config) {
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
