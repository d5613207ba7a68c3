/// The packaged tool (`dotnet pack src/Cli`): what the .nupkg carries and
/// says about itself, and the commit stamp a run started from the installed tool records.
module PackageTests

open System
open System.IO
open System.IO.Compression
open System.Xml.Linq
open Expecto
open Research.DeepAgents.Training
open TestSupport

/// Runs a process to the end in `workDir`; returns (exit code, stdout + stderr).
let private run (file: string) (workDir: string) (args: string list) =
    let code, out, err = runIn workDir file args
    code, out + err

let private headCommit () =
    let code, out = run "git" (repoRoot.Force()) [ "rev-parse"; "HEAD" ]
    if code <> 0 then failtestf "git rev-parse HEAD failed: %s" out
    out.Trim()

[<Tests>]
let tests =
    testList "package" [
        test "the commit is read from the informational version's +<sha> suffix only" {
            Expect.equal (GitInfo.CommitOfVersion "1.0.0+5e22f222db27ae88dffc6d1ce8c1584eac330038")
                (Some "5e22f222db27ae88dffc6d1ce8c1584eac330038" |> Option.toObj) "sha"
            for v in [ "1.0.0"; "1.0.0+local"; "1.0.0+"; "" ] do
                Expect.isNull (GitInfo.CommitOfVersion v) v
            Expect.isNull (GitInfo.CommitOfVersion null) "null"
        }
        test "the built toolkit carries the commit it was built from, which a run records" {
            let built = match GitInfo.BuildCommit() with null -> failtest "a build from a git checkout is stamped" | c -> c
            Expect.equal built.Length 40 $"a full commit id: {built}"
            // HEAD when built; commits made since the build leave it an ancestor of HEAD.
            let code, out = run "git" (repoRoot.Force()) [ "merge-base"; "--is-ancestor"; built; "HEAD" ]
            Expect.equal code 0 $"{built} is HEAD or an ancestor of it ({out})"
            Expect.equal (GitInfo.Commit()) built "the commit runs record is the build's, wherever they start"
        }
        test "dotnet pack src/Cli: no Python/test libtorch libraries, licence, readme, repository and platform" {
            let out = Path.Combine(Path.GetTempPath(), $"prox-pack-test-{Guid.NewGuid():N}")
            try
                let code, log = run "dotnet" (repoRoot.Force()) [ "pack"; "src/Cli"; "-c"; "Release"; "--no-build"; "-nologo"; "-v"; "quiet"; "-o"; out ]
                Expect.equal code 0 $"dotnet pack: {log}"
                let nupkg = Directory.GetFiles(out, "*.nupkg") |> Array.exactlyOne
                use zip = ZipFile.OpenRead nupkg
                let names = zip.Entries |> Seq.map (fun e -> e.FullName) |> List.ofSeq
                for dropped in [ "libtorch_python.so"; "libtorchbind_test.so" ] do
                    Expect.isFalse (names |> List.exists (fun n -> n.EndsWith("/" + dropped))) $"{dropped} not packed"
                for kept in [ "libtorch_cpu.so"; "libLibTorchSharp.so"; "prox.dll"; "Research.Notebooks.dll"; "Research.Studies.dll" ] do
                    Expect.isTrue (names |> List.exists (fun n -> n.EndsWith("/" + kept))) $"{kept} packed"
                Expect.contains names "LICENSE" "licence file"
                Expect.contains names "README.md" "readme"
                let nuspec = zip.Entries |> Seq.find (fun e -> e.FullName.EndsWith ".nuspec")
                use stream = nuspec.Open()
                let doc = XDocument.Load stream
                let meta name = doc.Descendants() |> Seq.tryFind (fun e -> e.Name.LocalName = name)
                let value name = meta name |> Option.map (fun e -> e.Value) |> Option.defaultValue ""
                Expect.equal (value "license") "MIT" "licence expression"
                Expect.equal (value "readme") "README.md" "readme"
                Expect.stringContains (value "description") "linux-x64" "platform stated"
                let repository = meta "repository" |> Option.defaultWith (fun () -> failtest "no <repository>")
                Expect.equal (repository.Attribute(XName.Get "type") |> Option.ofObj |> Option.map _.Value) (Some "git") "repository type"
                Expect.equal (repository.Attribute(XName.Get "commit") |> Option.ofObj |> Option.map _.Value) (Some (headCommit ())) "repository commit"
            finally
                if Directory.Exists out then Directory.Delete(out, true)
        }
    ]
