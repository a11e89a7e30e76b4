namespace Descent.Lab.Surfaces;

/// <summary>How a landscape is drawn.</summary>
public enum LandscapeLayout
{
    /// <summary>Every path over one contour plot, with a legend.</summary>
    Overlay,

    /// <summary>Small multiples: one panel per path, all with the same contours and the same scale.</summary>
    Panels,

    /// <summary>The overlay, and the panels below it, in one picture.</summary>
    Both,
}
