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

/// The shells whose completion is tested by running them. Each must be installed where
/// `CLOUDFLARE_TEST_SHELLS` says so (CI installs Debian's zsh and fish); elsewhere a missing one
/// is skipped, saying so.
fn shell(name: &str) -> Option<std::path::PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(name))
        .find(|path| path.is_file());
    let required = std::env::var("CLOUDFLARE_TEST_SHELLS").unwrap_or_default();
    if found.is_none() {
        assert!(!required.split(',').any(|required| required == name), "{name} is not installed");
        eprintln!("skipped: {name} is not installed");
    }
    found
}

/// What `shell` prints running `script` (`-c`), the binary's folder first on PATH; with its
/// stderr on failure.
fn run_shell(shell: &std::path::Path, flags: &[&str], script: &str) -> String {
    let binary = assert_cmd::cargo::cargo_bin("cloudflare");
    let path = std::env::join_paths(
        std::iter::once(binary.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let output = std::process::Command::new(shell)
        .args(flags)
        .arg("-c")
        .arg(script.replace("CLOUDFLARE", &binary.display().to_string()))
        .env("PATH", path)
        .env_remove("COMPLETE")
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{shell:?}: {stdout}\n{stderr}");
    stdout.into_owned()
}

/// The candidates a shell's completion lists, one per line (a description after a tab or a
/// colon cut off).
fn candidates(listed: &str) -> Vec<String> {
    listed.lines().map(|line| line.split(['\t', ':']).next().unwrap_or_default().to_owned()).collect()
}

/// What each case completes: the words before the cursor, the word at it, and a candidate
/// that must be among those offered (a generated command's words, its flags, an enum's values,
/// an operation id).
const CASES: [(&str, &str, &str); 6] = [
    ("cloudflare", "serv", "service-tokens"),
    ("cloudflare dns", "rec", "records"),
    ("cloudflare dns records list", "--zo", "--zone-id"),
    ("cloudflare dns records list --zone-id 023e105f4ecef8ad9ca31a8372d0c353 --order", "", "proxied"),
    ("cloudflare service-tokens list --output", "", "ids"),
    ("cloudflare api", "dns_records_for_a_zone_li", "dns_records_for_a_zone_list_dns_records"),
];

#[test]
fn the_completion_scripts_are_a_few_lines_that_ask_the_binary() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (status, script) = cloudflare(&["completions", shell]);
        assert_eq!(status, Some(0), "{shell}");
        assert!(script.len() < 4096, "{shell}: {} bytes", script.len());
        assert!(script.contains("COMPLETE") && script.contains("cloudflare"), "{shell}: {script}");
        assert!(!script.contains("service-tokens"), "{shell}: the candidates come from the binary, not the script");
    }
    let (status, _) = cloudflare(&["completions", "tcsh"]);
    assert_eq!(status, Some(2), "an unknown shell is a usage error");
    // The binary's own answer, as fish asks it (the words, the one at the cursor last).
    for (before, word, expected) in CASES {
        let output = Command::cargo_bin("cloudflare")
            .unwrap()
            .env("COMPLETE", "fish")
            .arg("--")
            .args(before.split(' '))
            .arg(word)
            .output()
            .unwrap();
        assert!(output.status.success(), "{before} {word}");
        let offered = candidates(&String::from_utf8_lossy(&output.stdout));
        assert!(offered.iter().any(|offered| offered == expected), "{before} {word}: {offered:?}");
        assert!(offered.iter().all(|offered| offered.starts_with(word)), "{before} {word}: {offered:?}");
    }
}

#[test]
fn bash_completes_with_its_completion_function() {
    let Some(bash) = shell("bash") else { return };
    for (before, word, expected) in CASES {
        let words: Vec<&str> = before.split(' ').chain([word]).collect();
        let listed = run_shell(
            &bash,
            &["--norc", "--noprofile"],
            &format!(
                "source <(CLOUDFLARE completions bash) && complete -p cloudflare >/dev/null && \
                 COMP_WORDS=({words}) COMP_CWORD={cword} COMP_LINE='{line}' COMP_POINT={point} COMP_TYPE=9 && \
                 _clap_complete_cloudflare cloudflare '{word}' '{previous}' && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                words = words.iter().map(|word| format!("'{word}'")).collect::<Vec<_>>().join(" "),
                cword = words.len() - 1,
                line = words.join(" "),
                point = words.join(" ").len(),
                previous = words[words.len() - 2],
            ),
        );
        assert!(candidates(&listed).iter().any(|offered| offered == expected), "bash: {before} {word}: {listed}");
    }
}

#[test]
fn zsh_completes_with_its_completion_function() {
    let Some(zsh) = shell("zsh") else { return };
    for (before, word, expected) in CASES {
        let words: Vec<&str> = before.split(' ').chain([word]).collect();
        // compdef is compinit's, _describe the completion system's: here they print what they
        // are given (the registration, and the candidates with their descriptions).
        let listed = run_shell(
            &zsh,
            &["-f"],
            &format!(
                "compdef() {{ print -r -- \"compdef $*\" }}
                 _describe() {{ local name=${{@[-1]}}; print -rl -- ${{(P)name}} }}
                 source <(CLOUDFLARE completions zsh)
                 words=({words}) CURRENT={current}
                 _clap_dynamic_completer_cloudflare",
                words = words.iter().map(|word| format!("'{word}'")).collect::<Vec<_>>().join(" "),
                current = words.len(),
            ),
        );
        assert!(listed.starts_with("compdef _clap_dynamic_completer_cloudflare cloudflare"), "{listed}");
        assert!(candidates(&listed).iter().any(|offered| offered == expected), "zsh: {before} {word}: {listed}");
    }
}

#[test]
fn fish_completes_the_command_line() {
    let Some(fish) = shell("fish") else { return };
    for (before, word, expected) in CASES {
        let listed = run_shell(
            &fish,
            &["--no-config"],
            &format!("CLOUDFLARE completions fish | source; complete -C '{before} {word}'"),
        );
        assert!(candidates(&listed).iter().any(|offered| offered == expected), "fish: {before} {word}: {listed}");
    }
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
