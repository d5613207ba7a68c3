using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Training;

namespace Research.Studies;

/// <summary>Resources of the Slurm job array (the <c>prox sweep run --executor slurm</c> flags).</summary>
/// <param name="Partition">--partition, or null for the cluster's default.</param>
/// <param name="Time">--time of each task (Slurm's D-HH:MM:SS forms).</param>
/// <param name="CpusPerTask">--cpus-per-task.</param>
/// <param name="Memory">--mem of each task (e.g. 4G).</param>
/// <param name="Gpus">--gpus per task, or null.</param>
/// <param name="Throttle">The array's <c>%</c> limit on tasks running at once, or 0 for none.</param>
public sealed record SlurmOptions(string? Partition, string Time, int CpusPerTask, string Memory, int? Gpus, int Throttle);

/// <summary>The submitted jobs.</summary>
/// <param name="ArrayJob">Job id of the array (one task per run to do).</param>
/// <param name="FiguresJob">Job id of the figures job (runs after every task ended, <c>afterany</c>).</param>
/// <param name="Tasks">The array indices (positions of runs in the grid) submitted.</param>
public sealed record SlurmSubmission(string ArrayJob, string FiguresJob, IReadOnlyList<int> Tasks);

/// <summary>
/// The Slurm executor (docs/sweeps.md, "On a Slurm cluster"): a job array whose task i runs
/// <c>prox sweep task STUDY --index i</c> (start or resume run i from its checkpoint, so a requeued or
/// resubmitted task loses at most a checkpoint period), submitted with
/// <c>sbatch</c>, and a dependent job drawing the figures and tables.
/// </summary>
public static class SlurmExecutor
{
    /// <summary>The job-array script for <paramref name="tasks"/>
    /// of the study in <paramref name="root"/>.</summary>
    public static string ArrayScript(string name, string root, IReadOnlyList<int> tasks, SlurmOptions o, ProxLauncher prox)
    {
        string array = string.Join(',', tasks.Select(t => t.ToString(CultureInfo.InvariantCulture)))
            + (o.Throttle > 0 ? "%" + o.Throttle.ToString(CultureInfo.InvariantCulture) : "");
        var s = Header($"prox-{name}", Path.Combine(LogFolder(root), "%A_%a.out"), o);
        s.AppendLine($"#SBATCH --array={array}");
        s.AppendLine("#SBATCH --requeue");
        s.AppendLine("#SBATCH --signal=B:INT@60");
        s.AppendLine("# Task i brings run i of the study to its end, resuming it from its checkpoint (docs/sweeps.md).");
        s.AppendLine("exec " + prox.Shell(["sweep", "task", root, "--index"]) + " \"$SLURM_ARRAY_TASK_ID\"");
        return s.ToString();
    }

    /// <summary>The figures job's script: <c>prox figures</c> over
    /// the study's runs into <paramref name="figures"/>.</summary>
    public static string FiguresScript(string name, string root, string figures, SlurmOptions o, ProxLauncher prox)
    {
        var s = Header($"prox-{name}-figures", Path.Combine(LogFolder(root), "figures-%j.out"), o with { Gpus = null });
        s.AppendLine("# Figures and tables of whatever runs completed (runs after every array task ended: afterany).");
        s.AppendLine("exec " + prox.Shell(["figures", "--runs", root, "--out", figures, "--no-png"]));
        return s.ToString();
    }

    /// <summary>Writes both scripts into STUDY/.sweep/slurm/ and submits them with sbatch.</summary>
    public static SlurmSubmission Submit(string name, string root, string figures, IReadOnlyList<int> tasks, SlurmOptions o, ProxLauncher prox)
    {
        Directory.CreateDirectory(LogFolder(root));
        string arrayPath = Path.Combine(LogFolder(root), "array.sbatch");
        string figuresPath = Path.Combine(LogFolder(root), "figures.sbatch");
        File.WriteAllText(arrayPath, ArrayScript(name, root, tasks, o, prox));
        File.WriteAllText(figuresPath, FiguresScript(name, root, figures, o, prox));
        string arrayJob = Sbatch(["--parsable", arrayPath]);
        string figuresJob = Sbatch(["--parsable", $"--dependency=afterany:{arrayJob}", figuresPath]);
        return new SlurmSubmission(arrayJob, figuresJob, tasks);
    }

    /// <summary>STUDY/.sweep/slurm: the scripts and the tasks' output.</summary>
    public static string LogFolder(string root) => Path.Combine(root, ".sweep", "slurm");

    static StringBuilder Header(string jobName, string output, SlurmOptions o)
    {
        var s = new StringBuilder("#!/bin/bash\n");
        s.AppendLine($"#SBATCH --job-name={jobName}");
        s.AppendLine($"#SBATCH --output={output}");
        s.AppendLine("#SBATCH --open-mode=append");
        if (o.Partition is not null) s.AppendLine($"#SBATCH --partition={o.Partition}");
        s.AppendLine($"#SBATCH --time={o.Time}");
        s.AppendLine($"#SBATCH --cpus-per-task={o.CpusPerTask.ToString(CultureInfo.InvariantCulture)}");
        s.AppendLine($"#SBATCH --mem={o.Memory}");
        if (o.Gpus is int g) s.AppendLine($"#SBATCH --gpus={g.ToString(CultureInfo.InvariantCulture)}");
        return s;
    }

    /// <summary>Runs sbatch; returns the job id (<c>--parsable</c>
    /// prints <c>id</c> or <c>id;cluster</c>).</summary>
    static string Sbatch(string[] args)
    {
        var psi = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process child;
        try
        {
            child = Process.Start(psi) ?? throw new InvalidOperationException("could not start sbatch");
        }
        catch (Win32Exception)
        {
            throw new ConfigException("--executor", "slurm", "a machine with Slurm's sbatch on the PATH (a login node); elsewhere use --executor print");
        }
        using (child)
        {
            var stdout = child.StandardOutput.ReadToEndAsync();
            string stderr = child.StandardError.ReadToEnd();
            child.WaitForExit();
            if (child.ExitCode != 0)
                throw new InvalidOperationException($"sbatch {string.Join(' ', args)} failed ({child.ExitCode}): {stderr.Trim()}");
            return stdout.Result.Trim().Split(';')[0];
        }
    }
}
