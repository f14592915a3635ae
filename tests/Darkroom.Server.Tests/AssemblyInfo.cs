// End-to-end classes each run their own server on the one Azurite; inside a class, tests run in order.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]
