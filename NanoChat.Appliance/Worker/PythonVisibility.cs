// pythonnet scans every loaded assembly's types at PythonEngine.Initialize so Python can `import`
// .NET namespaces. Scanning this one resolves its ASP.NET base types and pulls about twenty web
// assemblies (Scriban, Hosting, Routing, …) into every worker, each then scanned in turn, for
// nothing: notebook code never imports the appliance's own classes (the worker hands Python its
// bridge object directly). Students' `import clr; import System` still works.
[assembly: Python.Runtime.PyExport(false)]
