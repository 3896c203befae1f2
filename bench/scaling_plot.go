package bench

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// plot draws the table's plotted columns against x, both axes
// logarithmic (the y axis linear unless logY), into a PNG at path.
func (t *scalingTable) plot(path string) error {
	p := plot.New()
	p.Title.Text = t.title
	p.X.Label.Text = t.x
	p.Y.Label.Text = t.plotY
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	if t.logY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	}
	p.Legend.Top, p.Legend.Left = true, true
	cols := t.plotCols
	if cols == nil {
		for i := range t.cols {
			cols = append(cols, i)
		}
	}
	for n, ci := range cols {
		c := t.cols[ci]
		var pts plotter.XYs
		for i, x := range t.xs {
			// A log axis takes no zero: a value below 1 is drawn at 1.
			if i < len(c.vals) && !math.IsNaN(c.vals[i]) {
				pts = append(pts, plotter.XY{X: x, Y: math.Max(c.vals[i], 1)})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		col := plotColors[n%len(plotColors)]
		line.Color, points.Color = col, col
		line.Dashes = plotDashes[n/len(plotColors)%len(plotDashes)]
		p.Add(line, points)
		p.Legend.Add(c.name, line, points)
	}
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
}

var plotColors = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff}, color.RGBA{0x2c, 0xa0, 0x2c, 0xff},
	color.RGBA{0xff, 0x7f, 0x0e, 0xff}, color.RGBA{0x94, 0x67, 0xbd, 0xff},
}

var plotDashes = [][]vg.Length{nil, {vg.Points(4), vg.Points(3)}}
