// ValidatorMessage.cs: one line from the validator's stdout, parsed (ready, finding, swept, error, warning); built on the validator reader thread.
using System.Text.Json;

namespace InteropGuard.Validation;

/// <summary>The event a validator line carries (<c>"ev"</c>).</summary>
internal enum ValidatorEvent
{
    /// <summary>A JSON object with an <c>ev</c> this runtime does not know (newer validator): ignored.</summary>
    Unknown = 0,
    /// <summary><c>ready</c>: attached and warm.</summary>
    Ready,
    /// <summary><c>finding</c>: one finding of the next <c>swept</c>.</summary>
    Finding,
    /// <summary><c>swept</c>: a sweep finished.</summary>
    Swept,
    /// <summary><c>error</c>: fatal or not.</summary>
    Error,
    /// <summary><c>warning</c>: news for the user, once.</summary>
    Warning,
    /// <summary><c>classified</c>: the answer to a <c>classify</c>.</summary>
    Classified,
}

/// <summary>A parsed validator line: its event and its whole object (a detached copy, safe to keep).</summary>
internal sealed class ValidatorMessage
{
    private ValidatorMessage(ValidatorEvent ev, JsonElement root)
    {
        Event = ev;
        Root = root;
    }

    /// <summary>What the line says.</summary>
    public ValidatorEvent Event { get; }

    /// <summary>The line's JSON object.</summary>
    public JsonElement Root { get; }

    /// <summary>The message of a line, or null when the line is not a JSON object with a string <c>ev</c>
    /// (garbage). Never throws.</summary>
    public static ValidatorMessage? TryParse(string line)
    {
        JsonElement root;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }

        string? ev = JsonFields.String(root, "ev");
        if (ev is null)
        {
            return null;
        }

        ValidatorEvent kind = ev switch
        {
            "ready" => ValidatorEvent.Ready,
            "finding" => ValidatorEvent.Finding,
            "swept" => ValidatorEvent.Swept,
            "error" => ValidatorEvent.Error,
            "warning" => ValidatorEvent.Warning,
            "classified" => ValidatorEvent.Classified,
            _ => ValidatorEvent.Unknown,
        };
        return new ValidatorMessage(kind, root);
    }
}
