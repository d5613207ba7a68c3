/// DeepAgents' folders form layers: no folder depends on a folder that depends back on it
/// (docs/architecture.md, "DeepAgents' folders"). A folder's dependencies are read twice:
/// - from the source: `using Research.DeepAgents.X` directives and `Research.DeepAgents.X.` mentions
///   (also what the compiler inlines: constants, nameof, doc references);
/// - from the built assembly: every type a type's signatures, fields, locals, attributes and IL name.
/// Both are sound only if namespaces follow folders, which the first test checks.
module FolderDependencyTests

open System
open System.IO
open System.Reflection
open System.Reflection.Emit
open System.Text.RegularExpressions
open Expecto
open TestSupport

let private prefix = "Research.DeepAgents."

/// The top folder of a DeepAgents namespace (`Research.DeepAgents.Networks.Layers` -> `Networks`).
let private folderOf (ns: string | null) =
    match ns with
    | null -> None
    | ns when ns.StartsWith prefix -> Some(ns.Substring(prefix.Length).Split('.').[0])
    | _ -> None

/// Edges folder -> (folder -> first evidence), self edges left out.
type private Graph = Map<string, Map<string, string>>

let private addEdge (from: string) (target: string) (evidence: string) (g: Graph) : Graph =
    if from = target then g
    else
        let outgoing = g |> Map.tryFind from |> Option.defaultValue Map.empty
        if outgoing.ContainsKey target then g else g.Add(from, outgoing.Add(target, evidence))

let private sourceRoot () = repoPath "src/DeepAgents"

let private sourceFiles () =
    let root = sourceRoot ()
    Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
    |> Array.map (fun f -> Path.GetRelativePath(root, f).Replace('\\', '/'))
    |> Array.filter (fun f -> not (f.StartsWith "bin/" || f.StartsWith "obj/"))
    |> Array.sort

let private namespaceDecl = Regex(@"^namespace\s+([\w.]+)\s*[;{]", RegexOptions.Multiline)
let private typeDecl = Regex(@"\b(class|struct|record|interface|enum|delegate)\s+\w")
let private usingDecl =
    Regex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?:global::)?Research\.DeepAgents\.(\w+)",
          RegexOptions.Multiline)
let private qualified = Regex(@"Research\.DeepAgents\.(\w+)\.")

/// Folder dependencies read from the source files.
let private sourceGraph () : Graph =
    let root = sourceRoot ()
    sourceFiles ()
    |> Array.fold (fun g file ->
        let folder = file.Split('/').[0]
        let text = File.ReadAllText(Path.Combine(root, file))
        Seq.append (usingDecl.Matches text) (qualified.Matches text)
        |> Seq.fold (fun g m -> addEdge folder m.Groups[1].Value $"{file}: {m.Value.Trim()}" g) g) Map.empty

let private opcodes =
    typeof<OpCodes>.GetFields(BindingFlags.Public ||| BindingFlags.Static)
    |> Array.map (fun f -> f.GetValue null |> unbox<OpCode>)
    |> Array.map (fun o -> uint16 o.Value, o)
    |> dict

/// Metadata tokens named by a method body's IL (fields, methods, types).
let private ilTokens (il: byte[]) =
    let tokens = ResizeArray()
    let mutable i = 0
    while i < il.Length do
        let code =
            if il[i] = 0xFEuy then
                i <- i + 2
                0xFE00us ||| uint16 il[i - 1]
            else
                i <- i + 1
                uint16 il[i - 1]
        let op = opcodes[code]
        match op.OperandType with
        | OperandType.InlineField | OperandType.InlineMethod | OperandType.InlineType
        | OperandType.InlineTok -> tokens.Add(BitConverter.ToInt32(il, i))
        | _ -> ()
        i <- i +
             match op.OperandType with
             | OperandType.InlineNone -> 0
             | OperandType.ShortInlineBrTarget | OperandType.ShortInlineI | OperandType.ShortInlineVar -> 1
             | OperandType.InlineVar -> 2
             | OperandType.InlineI8 | OperandType.InlineR -> 8
             | OperandType.InlineSwitch -> 4 + 4 * BitConverter.ToInt32(il, i)
             | _ -> 4
    tokens

/// A type and the types it is built from (element types, generic definitions and arguments).
let rec private parts (t: Type) : Type seq =
    seq {
        if t.HasElementType then
            match t.GetElementType() with
            | null -> ()
            | e -> yield! parts e
        elif t.IsGenericParameter then ()
        elif t.IsGenericType && not t.IsGenericTypeDefinition then
            yield t.GetGenericTypeDefinition()
            for a in t.GetGenericArguments() do yield! parts a
        else yield t
    }

let private all =
    BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.Instance ||| BindingFlags.Static
    ||| BindingFlags.DeclaredOnly

/// Every type that <paramref name="t"/>'s declaration and member bodies name.
let private referencedTypes (t: Type) : Type seq =
    let typeArgs = if t.IsGenericTypeDefinition then t.GetGenericArguments() else Type.EmptyTypes
    let ofMember (m: MemberInfo) : Type seq =
        match m with
        | :? Type as x -> parts x
        | m -> match m.DeclaringType with null -> Seq.empty | d -> parts d
    let ofMethod (m: MethodBase) : Type seq =
        seq {
            match m with
            | :? MethodInfo as mi -> yield! parts mi.ReturnType
            | _ -> ()
            for p in m.GetParameters() do yield! parts p.ParameterType
            for a in m.CustomAttributes do yield! parts a.AttributeType
            match m.GetMethodBody() with
            | null -> ()
            | body ->
                for l in body.LocalVariables do yield! parts l.LocalType
                let methodArgs = if m.IsGenericMethodDefinition then m.GetGenericArguments() else Type.EmptyTypes
                for token in ilTokens (body.GetILAsByteArray() |> Option.ofObj |> Option.defaultValue [||]) do
                    let resolved =
                        try Some(t.Module.ResolveMember(token, typeArgs, methodArgs))
                        with _ -> None
                    match resolved with
                    | Some(NonNull r) -> yield! ofMember r
                    | _ -> ()
        }
    seq {
        match t.BaseType with
        | null -> ()
        | b -> yield! parts b
        for i in t.GetInterfaces() do yield! parts i
        for a in t.CustomAttributes do yield! parts a.AttributeType
        for f in t.GetFields all do yield! parts f.FieldType
        for m in t.GetMethods all do yield! ofMethod m
        for c in t.GetConstructors all do yield! ofMethod c
    }

let private assembly = typeof<Research.DeepAgents.Agents.IAgent>.Assembly

/// Folder dependencies read from the built Research.DeepAgents assembly.
let private assemblyGraph () : Graph =
    assembly.GetTypes()
    |> Array.fold (fun g t ->
        match folderOf t.Namespace with
        | None -> g
        | Some folder ->
            referencedTypes t
            |> Seq.filter (fun r -> r.Assembly = assembly)
            |> Seq.fold (fun g r ->
                match folderOf r.Namespace with
                | Some target -> addEdge folder target $"{t.FullName} uses {r.FullName}" g
                | None -> g) g) Map.empty

let private union (a: Graph) (b: Graph) : Graph =
    b |> Map.fold (fun g from outgoing ->
        outgoing |> Map.fold (fun g target evidence -> addEdge from target evidence g) g) a

/// The cycles through an edge of <paramref name="g"/>: for each edge a -> b with a path b -> ... -> a,
/// that path, as `a -> b -> ... -> a` (each cycle once, starting at its smallest folder).
let cycles (g: Map<string, Map<string, string>>) : string list list =
    let next f = g |> Map.tryFind f |> Option.map (Map.keys >> List.ofSeq) |> Option.defaultValue []
    /// A shortest path from -> ... -> target, if any (breadth first).
    let path (from: string) (target: string) =
        let rec bfs (frontier: string list list) (seen: Set<string>) =
            match frontier with
            | [] -> None
            | (head :: _ as p) :: _ when head = target -> Some(List.rev p)
            | (head :: _ as p) :: rest ->
                let fresh = next head |> List.filter (fun n -> not (seen.Contains n))
                bfs (rest @ (fresh |> List.map (fun n -> n :: p))) (Set.union seen (Set.ofList fresh))
            | [] :: rest -> bfs rest seen
        bfs [ [ from ] ] (Set.singleton from)
    [ for KeyValue(a, outgoing) in g do
        for KeyValue(b, _) in outgoing do
            match path b a with
            | Some p -> a :: p
            | None -> () ]
    |> List.map (fun c ->
        let ring = List.take (c.Length - 1) c
        let start = ring |> List.indexed |> List.minBy snd |> fst
        let rotated = List.skip start ring @ List.take start ring
        rotated @ [ rotated.Head ])
    |> List.distinct

/// The graph as one line per folder, with one piece of evidence per edge.
let describe (g: Map<string, Map<string, string>>) =
    [ for KeyValue(from, outgoing) in g do
        for KeyValue(target, evidence) in outgoing do
            $"  {from} -> {target}   ({evidence})" ]
    |> String.concat "\n"

/// The source and assembly readings, each made once and shared by the tests.
let private sourceEdges, assemblyEdges = lazy (sourceGraph ()), lazy (assemblyGraph ())

/// DeepAgents' folder graph: source and assembly dependencies together.
let folderGraph () = union (sourceEdges.Force()) (assemblyEdges.Force())

[<Tests>]
let tests =
    testList "folder dependencies" [
        test "namespaces follow folders (which makes the source reading complete)" {
            let root = sourceRoot ()
            let wrong =
                [ for file in sourceFiles () do
                    let expected = prefix + (Path.GetDirectoryName file |> string).Replace('/', '.')
                    let text = File.ReadAllText(Path.Combine(root, file))
                    let declared = [ for m in namespaceDecl.Matches text -> m.Groups[1].Value ]
                    // A file of assembly attributes only declares no namespace and no type.
                    let attributesOnly = declared.IsEmpty && not (typeDecl.IsMatch text)
                    if declared <> [ expected ] && not attributesOnly then
                        $"{file}: namespace {declared}, expected {expected}" ]
            let listed = String.concat "\n" wrong
            Expect.isEmpty wrong $"every file declares the namespace of its folder (none sits at the root):\n{listed}"
        }

        test "the reading finds dependencies both ways (it can fail)" {
            let source, built = sourceEdges.Force(), assemblyEdges.Force()
            for g, name in [ source, "source"; built, "assembly" ] do
                let agents = g |> Map.tryFind "Agents" |> Option.defaultValue Map.empty
                Expect.isTrue (agents.ContainsKey "Configuration") $"the {name} shows Agents -> Configuration"
                Expect.isTrue (agents.ContainsKey "Networks") $"the {name} shows Agents -> Networks"
            let cyclic = Map [ "A", Map [ "B", "x" ]; "B", Map [ "C", "y" ]; "C", Map [ "A", "z" ] ]
            Expect.equal (cycles cyclic) [ [ "A"; "B"; "C"; "A" ] ] "a three-folder cycle is named once"
            Expect.isEmpty (cycles (Map [ "A", Map [ "B", "x" ] ])) "a one-way edge is no cycle"
        }

        test "no folder depends on a folder that depends back on it" {
            let g = folderGraph ()
            let found = cycles g |> List.map (String.concat " -> ")
            let listed = String.concat "\n" found
            Expect.isEmpty found $"folder cycles:\n{listed}\nthe graph:\n{describe g}"
        }
    ]
