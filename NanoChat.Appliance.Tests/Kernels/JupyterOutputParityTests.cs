using System.Text.RegularExpressions;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// Course notebooks are written against Jupyter's output: these cells give, through a real worker,
/// the text IPython 8 gives for the same cell (the expected strings are IPython's own output).
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class JupyterOutputParityTests
{
    [Fact]
    public async Task Values_are_laid_out_as_IPythons_pretty_printer_does()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("[" + string.Join(",\n ", Enumerable.Range(0, 30)) + "]", (await session.RunAsync("list(range(30))")).Result);
        Assert.Equal("[0, 1, 2, 3, 4]", (await session.RunAsync("list(range(5))")).Result);
        Assert.Equal("{'k': [0,\n  1,\n  2,\n  3,\n  4,\n  5,\n  6,\n  7,\n  8,\n  9,\n  10,\n  11,\n  12,\n  13,\n  14,\n  15,\n  16,\n  17,\n  18,\n  19,\n  20,\n  21,\n  22,\n  23,\n  24,\n  25,\n  26,\n  27,\n  28,\n  29]}",
            (await session.RunAsync("{'k': list(range(30))}")).Result);
        Assert.Equal("[('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'),\n ('cccccccccccccccccccccccccccccc', 'dddddddddddddddddddddddddddddd')]",
            (await session.RunAsync("[('a'*30, 'b'*30), ('c'*30, 'd'*30)]")).Result);
        Assert.Equal("frozenset({0,\n           1,\n           2,\n           3,\n           4,\n           5,\n           6,\n           7,\n           8,\n           9,\n           10,\n           11,\n           12,\n           13,\n           14,\n           15,\n           16,\n           17,\n           18,\n           19,\n           20,\n           21,\n           22,\n           23,\n           24,\n           25,\n           26,\n           27,\n           28,\n           29})",
            (await session.RunAsync("frozenset(range(30))")).Result);
        Assert.Equal("{1, 2, 3}", (await session.RunAsync("{3, 1, 2}")).Result);
        Assert.Equal("[1, [...]]", (await session.RunAsync("a = [1]; a.append(a); a")).Result);
        Assert.EndsWith(" 999,\n ...]", (await session.RunAsync("list(range(1200))")).Result, StringComparison.Ordinal);
        Assert.Equal("defaultdict(list, {'a': [1]})", (await session.RunAsync("import collections; collections.defaultdict(list, {'a': [1]})")).Result);
        Assert.Equal("[array([[0., 0.],\n        [0., 0.]]),\n 1]", (await session.RunAsync("import numpy as np; [np.zeros((2, 2)), 1]")).Result);

        await session.RunAsync("class Plain: pass\ndef f(x, y=2): pass");
        Assert.Matches(new Regex(@"^<__main__\.Plain at 0x[0-9a-f]+>$"), (await session.RunAsync("Plain()")).Result);
        Assert.Equal("__main__.Plain", (await session.RunAsync("Plain")).Result);
        Assert.Equal("int", (await session.RunAsync("int")).Result);
        Assert.Equal("<function __main__.f(x, y=2)>", (await session.RunAsync("f")).Result);
        Assert.Equal("<function len(obj, /)>", (await session.RunAsync("len")).Result);
        Assert.Matches(new Regex(@"^\[<matplotlib\.lines\.Line2D at 0x[0-9a-f]+>\]$"),
            (await session.RunAsync("import matplotlib.pyplot as plt\nplt.plot([1, 2])")).Result);
    }

    [Fact]
    public async Task A_trailing_semicolon_silences_the_value_also_before_a_comment()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Null((await session.RunAsync("1 + 1;  # quiet")).Result);
        Assert.Null((await session.RunAsync("import random\nrandom.Random(42);")).Result);
        Assert.Equal("';'", (await session.RunAsync("';'  # a string that ends in ;")).Result);
    }

    [Fact]
    public async Task One_line_automagics_run_unless_the_name_is_a_variable()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("ok", (await session.RunAsync("mkdir -p lesson/data")).Status);
        await session.RunAsync("open('lesson/notes.txt', 'w').write('tokens are pieces of words\\n')");
        // IPython's `ls` alias is `ls -F --color`: folders in colour (the page renders the escapes) with a slash.
        var listing = Regex.Replace((await session.RunAsync("ls lesson")).Stdout, @"\x1b\[[0-9;]*m", "");
        Assert.Equal("data/\nnotes.txt\n", listing);
        Assert.Equal("tokens are pieces of words\n", (await session.RunAsync("cat lesson/notes.txt")).Stdout);
        Assert.EndsWith("/lesson", (await session.RunAsync("cd lesson")).Stdout.Trim(), StringComparison.Ordinal);
        Assert.EndsWith("/lesson'", (await session.RunAsync("pwd")).Result, StringComparison.Ordinal);
        // A variable of that name is Python again, as in IPython; so is every line of a longer cell.
        Assert.Equal("3", (await session.RunAsync("ls = 3\nls")).Result);
        Assert.Equal("3", (await session.RunAsync("ls")).Result);
        Assert.Equal("NameError", (string?)(await session.RunAsync("x = 1\npwd")).Error?["ename"]);
    }

    [Fact]
    public async Task Percent_and_bang_inside_strings_and_brackets_are_python()
    {
        await using var session = await KernelSession.StartAsync();
        var html = await session.RunAsync("from IPython.display import HTML\nrows = '<td>1</td>'\nHTML(\"\"\"<table><tr>\n%s\n</tr></table>\"\"\" % rows)");
        Assert.True(html.Status == "ok", html.ToString());
        Assert.Contains("<td>1</td>", (string?)html.Displays.Single()["data"]?["text/html"], StringComparison.Ordinal);
        Assert.Equal("1", (await session.RunAsync("(7\n% 3)")).Result);
        Assert.Equal("'!'", (await session.RunAsync("'''\n!'''.strip()")).Result);
        Assert.Contains("hello", (await session.RunAsync("!echo hello")).Stdout, StringComparison.Ordinal);
    }
}
