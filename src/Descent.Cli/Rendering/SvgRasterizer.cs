using SkiaSharp;
using Svg.Skia;

namespace Descent.Cli.Rendering;

/// <summary>
/// Renders the project's SVG charts to PNG with Svg.Skia (an SVG renderer over Skia, the graphics library of Chrome),
/// on a white background at a chosen pixel density.
/// </summary>
internal static class SvgRasterizer
{
    /// <summary>
    /// The PNG of <paramref name="svg"/> at <paramref name="scale"/> device pixels per SVG pixel (2 for sharp pictures
    /// on high-density screens and in slides).
    /// </summary>
    public static byte[] ToPng(string svg, float scale = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        using var document = new SKSvg();
        var picture = document.FromSvg(svg) ?? throw new InvalidDataException("the SVG could not be read");
        var bounds = picture.CullRect;
        int width = Math.Max(1, (int)Math.Ceiling(bounds.Width * scale));
        int height = Math.Max(1, (int)Math.Ceiling(bounds.Height * scale));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.Scale(scale);
            canvas.DrawPicture(picture);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
