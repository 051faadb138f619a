// FailTestOnInteropReportAttribute.cs: the NUnit action that runs after each test: asks the validator for a sweep (mode 2) and fails the test when InteropGuard reported anything while it ran.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using NUnit.Framework;
using NUnit.Framework.Interfaces;

namespace InteropGuard.NUnit;

/// <summary>Fails a test during which InteropGuard reported a violation, with the reports in the test's result, so a
/// retained pointer or a collected callback names the test that caused it instead of passing silently.
/// <para>The package's build targets put it on the test assembly (every test); set the MSBuild property
/// <c>InteropGuardNUnitPerTest=false</c> to apply it by hand to a fixture or a test instead.</para>
/// <para>After each test, in mode 2 (<c>INTEROPGUARD=2</c>), it asks the validator for a sweep
/// (<see cref="Guard.Validate"/>): a stop of the process of tens of milliseconds per test, so native memory that still
/// points at the test's arrays is found before the next test starts. In mode 1 it adds nothing to a test's time; reports
/// at the call boundary also throw <see cref="InteropViolationException"/> in the test itself.</para>
/// <para>A report belongs to the test that was running when it was made. Tests that run in parallel share the reports
/// made while they overlap (each of them fails); a report from a timer sweep names the test running at that moment.</para></summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class FailTestOnInteropReportAttribute : Attribute, ITestAction
{
    /// <summary>Runs around each test (not once per fixture).</summary>
    public ActionTargets Targets => ActionTargets.Test;

    /// <summary>Marks where the test's reports begin (and starts the InteropGuard runtime, so mode 2 has its validator
    /// running before the first test's code).</summary>
    /// <param name="test">The test about to run.</param>
    public void BeforeTest(ITest test) => ReportLog.Begin(test.Id);

    /// <summary>Sweeps (mode 2) and fails <paramref name="test"/> when InteropGuard reported anything since it began.</summary>
    /// <param name="test">The test that just ran.</param>
    public void AfterTest(ITest test)
    {
        if (Guard.Mode == GuardMode.Validator)
        {
            Guard.Validate(); // its findings are reported, and so logged, before it returns
        }

        IReadOnlyList<Violation> reports = ReportLog.End(test.Id);
        if (reports.Count == 0)
        {
            return;
        }

        var message = new StringBuilder();
        message.Append(string.Create(CultureInfo.InvariantCulture, $"InteropGuard reported {reports.Count} violation(s) while this test ran:"));
        foreach (Violation v in reports)
        {
            message.Append('\n').Append(v.ToString().TrimEnd());
        }

        Assert.Fail(message.ToString());
    }
}
