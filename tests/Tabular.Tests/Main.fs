module Main

[<EntryPoint>]
let main argv = TestEntry.run argv
