//! The `detente` command line: parses arguments with clap and dispatches to
//! one module per subcommand, each with a single `run`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Label who is named, and who is conciliatory or threatening toward whom, in
/// corpora of news articles.
///
/// detente splits each article into sentences, finds the named entities and
/// classifies the stance of each sentence, and writes one CSV row per
/// sentence and per entity for review in a spreadsheet or pandas.
#[derive(Parser)]
#[command(name = "detente", version, about, long_about, propagate_version = true)]
#[command(after_help = "Run `detente <COMMAND> --help` for the options of each command.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Annotate(cmd::annotate::Args),
    Eval(cmd::eval::Args),
    Summarize(cmd::summarize::Args),
    Merge(cmd::merge::Args),
    Review(cmd::review::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Annotate(args) => cmd::annotate::run(&args),
        Command::Eval(args) => cmd::eval::run(&args),
        Command::Summarize(args) => cmd::summarize::run(&args),
        Command::Merge(args) => cmd::merge::run(&args),
        Command::Review(args) => cmd::review::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // A reader that went away (`| head`) is not an error.
            if cmd::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("detente: error: {err}");
            // Library errors often carry their source in their own message
            // already; saying it twice reads as two problems.
            let mut said = err.to_string();
            for cause in err.chain().skip(1) {
                let text = cause.to_string();
                if !said.contains(&text) {
                    eprintln!("  caused by: {text}");
                    said.push_str(&text);
                }
            }
            ExitCode::from(cmd::EXIT_FATAL)
        }
    }
}
