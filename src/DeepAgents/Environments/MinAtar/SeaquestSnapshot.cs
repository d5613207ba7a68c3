namespace Research.DeepAgents.Environments.MinAtar;

// Seaquest snapshots: the state in a fixed order; reading refuses negative timers and off-grid entities.
public sealed partial class Seaquest
{
    internal override void WriteState(BinaryWriter w)
    {
        w.Write(SubX); w.Write(SubY); w.Write(SubFacesRight); w.Write(Oxygen); w.Write(DiverCount);
        w.Write(ShotTimer);
        w.Write(EnemySpawnSpeed); w.Write(EnemySpawnTimer); w.Write(DiverSpawnTimer); w.Write(MoveSpeed);
        w.Write(RampIndex); w.Write(Surface); w.Write(Terminal);
        FriendlyBullets.Write(w); EnemyBullets.Write(w); Fish.Write(w); Subs.Write(w); Divers.Write(w);
    }

    internal override void ReadState(BinaryReader r)
    {
        SubX = r.ReadInt32(); SubY = r.ReadInt32(); SubFacesRight = r.ReadBoolean(); Oxygen = r.ReadInt32();
        DiverCount = r.ReadInt32(); int shotTimer = r.ReadInt32();
        EnemySpawnSpeed = r.ReadInt32(); int enemySpawnTimer = r.ReadInt32(), diverSpawnTimer = r.ReadInt32();
        if ((shotTimer | enemySpawnTimer | diverSpawnTimer) < 0)
            throw new InvalidDataException($"Seaquest snapshot: negative timer (shot {shotTimer}, "
                + $"enemy spawn {enemySpawnTimer}, diver spawn {diverSpawnTimer}).");
        ShotTimer = shotTimer; EnemySpawnTimer = enemySpawnTimer; DiverSpawnTimer = diverSpawnTimer;
        MoveSpeed = r.ReadInt32(); RampIndex = r.ReadInt32();
        Surface = r.ReadBoolean(); Terminal = r.ReadBoolean();
        _entities.Clear();
        FriendlyBullets.Read(r); EnemyBullets.Read(r); Fish.Read(r); Subs.Read(r); Divers.Read(r);
    }
}
