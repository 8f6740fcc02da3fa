//! What installing the command gives a user: shell completions, a man page, and a version that
//! says which API spec it was built from.

use assert_cmd::Command;

fn cloudflare(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::cargo_bin("cloudflare")
        .unwrap()
        .timeout(std::time::Duration::from_secs(90))
        .args(args)
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

#[test]
fn completions_cover_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (status, script) = cloudflare(&["completions", shell]);
        assert_eq!(status, Some(0), "{shell}");
        // Flags without their dashes: fish writes `-l account-id`.
        for word in ["service-tokens", "api", "completions", "account-id", "param"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    let (status, _) = cloudflare(&["completions", "tcsh"]);
    assert_eq!(status, Some(2), "an unknown shell is a usage error");
}

#[test]
fn the_bash_completion_script_is_valid_bash() {
    let (_, script) = cloudflare(&["completions", "bash"]);
    let path = std::env::temp_dir().join(format!("cloudflare-completion-{}.bash", std::process::id()));
    std::fs::write(&path, &script).unwrap();
    let checked = std::process::Command::new("bash").arg("-n").arg(&path).output();
    std::fs::remove_file(&path).ok();
    if let Ok(checked) = checked {
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    }
    assert!(script.contains("complete -F _cloudflare"), "registers itself");
}

#[test]
fn the_man_page_is_roff_naming_the_commands_and_version() {
    let (status, page) = cloudflare(&["man"]);
    assert_eq!(status, Some(0));
    assert!(page.contains(".TH cloudflare 1"), "{page}");
    assert!(page.contains(env!("CARGO_PKG_VERSION")), "{page}");
    for word in ["service\\-tokens", "api", "completions", "CLOUDFLARE_API_TOKEN"] {
        assert!(page.contains(word), "the man page lacks {word}");
    }
}

#[test]
fn version_names_the_crate_version_and_the_spec_commit() {
    let (status, version) = cloudflare(&["--version"]);
    assert_eq!(status, Some(0));
    assert!(version.starts_with(&format!("cloudflare {} (spec: ", env!("CARGO_PKG_VERSION"))), "{version}");
    assert!(version.contains("cca3064f"), "{version}");
    assert!(version.contains(&format!("{} operations", cloudflare_client::operations().count())), "{version}");
}
