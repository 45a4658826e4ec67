//! Config parsing, defaults, path resolution and error messages.

use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml(text, "test.toml", Path::new("/base"))
}

#[test]
fn empty_file_is_all_defaults() {
    let c = parse("").unwrap();
    assert_eq!(c.rl.group_size, 8);
    assert_eq!(c.backend.kind, BackendKind::Cpu);
    assert_eq!(c.rpc.listen, "127.0.0.1:7433");
}

#[test]
fn relative_paths_resolve_against_the_file() {
    let c = parse("[tasks]\ndir = \"../examples/tasks\"\n").unwrap();
    assert_eq!(c.tasks.dir, PathBuf::from("/base/../examples/tasks"));
}

#[test]
fn unknown_key_names_key_and_line() {
    let e = parse("[rl]\ngroup_size = 4\ngrup_size = 5\n").unwrap_err().to_string();
    assert!(e.contains("test.toml:3"), "{e}");
    assert!(e.contains("grup_size"), "{e}");
}

#[test]
fn wrong_type_names_key_and_line() {
    let e = parse("[rpc]\nlisten = \"127.0.0.1:1\"\n\n[rl]\ngroup_size = \"eight\"\n").unwrap_err().to_string();
    assert!(e.contains("test.toml:5"), "{e}");
    assert!(e.contains("rl.group_size"), "{e}");
}

#[test]
fn out_of_range_names_key_and_line() {
    let e = parse("[lora]\nrank = 0\n").unwrap_err().to_string();
    assert!(e.contains("test.toml:2: key `lora.rank`"), "{e}");
    assert!(e.contains("between 1 and 1024"), "{e}");
}

#[test]
fn bad_enum_value_is_reported() {
    let e = parse("[backend]\nkind = \"tpu\"\n").unwrap_err().to_string();
    assert!(e.contains("backend.kind") && e.contains(":2"), "{e}");
}

#[test]
fn invalid_toml_reports_line() {
    let e = parse("[rl\n").unwrap_err().to_string();
    assert!(e.starts_with("test.toml:1"), "{e}");
}

#[test]
fn missing_file_names_file() {
    let e = Config::load(Path::new("/nonexistent/rlvrd.toml")).unwrap_err().to_string();
    assert!(e.contains("/nonexistent/rlvrd.toml") && e.contains("cannot read"), "{e}");
}

#[test]
fn resolved_config_round_trips() {
    let c = parse("[rl]\nloss = \"gspo\"\n").unwrap();
    let again = parse(&c.to_toml()).unwrap();
    assert_eq!(again.rl.loss, LossKind::Gspo);
    assert_eq!(again.state_dir, Some(c.state_dir()));
}
