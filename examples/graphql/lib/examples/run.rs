//! Runs the toolkit natively on files: validates a query against a
//! schema, prints it normalised, and executes it on JSON data.
//!
//! ```text
//! cargo run -p graphql-kit --example run -- SCHEMA.graphql QUERY.graphql [DATA.json [VARIABLES.json]]
//! ```

use std::process::ExitCode;

use graphql_kit::{GqlError, NormalizeOptions, Request, Schema};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !(2..=4).contains(&args.len()) {
        eprintln!("usage: run SCHEMA.graphql QUERY.graphql [DATA.json [VARIABLES.json]]");
        return ExitCode::FAILURE;
    }
    let read = |path: &String| {
        std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        })
    };
    match run(
        &read(&args[0]),
        &read(&args[1]),
        args.get(2).map(read),
        args.get(3).map(read),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            for error in errors {
                eprintln!("{:?} error: {error}", error.kind);
            }
            ExitCode::FAILURE
        }
    }
}

fn run(
    sdl: &str,
    query: &str,
    data: Option<String>,
    variables: Option<String>,
) -> Result<(), Vec<GqlError>> {
    let schema = Schema::parse(sdl)?;
    print!("{}", schema.normalize(query, &NormalizeOptions::default())?);
    if let Some(data) = data {
        let request = Request {
            query: query.to_string(),
            operation_name: None,
            variables,
        };
        let response = schema.execute(&request, &data)?;
        println!("data: {}", response.data.as_deref().unwrap_or("null"));
        for error in response.errors {
            println!("field error: {error} (path {:?})", error.path);
        }
    }
    Ok(())
}
