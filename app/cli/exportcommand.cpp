#include "app/cli/command.h"

#include "app/metricsreport.h"
#include "app/modelservice.h"
#include "app/serverfiles.h"
#include "storage/labelexporter.h"
#include "ui/panels/metricspanel.h"

namespace activelabel::cli {

namespace {

// export PROJECT (--model OUT.pt | --onnx OUT.onnx | --labels OUT.csv|OUT.json | --image-folder DIR | --metrics DIR).
// Read-only: works while another process holds the project.
class ExportCommand : public Command
{
public:
    QString name() const override { return QStringLiteral("export"); }
    bool worksOnServer() const override { return true; }
    QString synopsis() const override
    {
        return QStringLiteral("PROJECT (--model OUT.pt | --onnx OUT.onnx | --labels OUT.csv|OUT.json | --image-folder DIR [--symlinks] "
                              "| --metrics DIR)");
    }
    QString description() const override
    {
        return QStringLiteral("Export the latest model (TorchScript + OUT.pt.json sidecar, or ONNX opset 13 + "
                              "OUT.onnx.json), the current labels as CSV "
                              "(image_id,path,class,source,annotator,labelled_at) or JSON, an ImageFolder tree of the "
                              "labelled images, or the metrics as CSV and PNG plots.");
    }
    void configure(QCommandLineParser &parser) const override
    {
        parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project directory."));
        parser.addOption({QStringLiteral("model"), QStringLiteral("Write the latest model to OUT.pt (+ OUT.pt.json)."),
                          QStringLiteral("OUT.pt")});
        parser.addOption({QStringLiteral("onnx"),
                          QStringLiteral("Write the latest model as ONNX (opset 13) to OUT.onnx (+ OUT.onnx.json)."),
                          QStringLiteral("OUT.onnx")});
        parser.addOption({QStringLiteral("labels"), QStringLiteral("Write the labels to OUT (.csv or .json)."),
                          QStringLiteral("OUT")});
        parser.addOption({QStringLiteral("image-folder"),
                          QStringLiteral("Write DIR/<class>/<id>_<file> copies of the labelled images."),
                          QStringLiteral("DIR")});
        parser.addOption({QStringLiteral("symlinks"), QStringLiteral("With --image-folder: links instead of copies.")});
        parser.addOption({QStringLiteral("metrics"), QStringLiteral("Write metrics CSV files and PNG plots to DIR."),
                          QStringLiteral("DIR")});
    }
    int run(const QCommandLineParser &parser, Context &context) const override
    {
        const QStringList args = positionals(parser, 1, 1);
        int chosen = 0;
        for (const char *option : {"model", "onnx", "labels", "image-folder", "metrics"})
            chosen += parser.isSet(QString::fromLatin1(option)) ? 1 : 0;
        if (chosen != 1)
            throw UsageError("give exactly one of --model, --onnx, --labels, --image-folder, --metrics");
        auto project = context.openProject(args.at(0), Project::Mode::ReadOnly);

        if (parser.isSet(QStringLiteral("model")) || parser.isSet(QStringLiteral("onnx"))) {
            const bool onnx = parser.isSet(QStringLiteral("onnx"));
            const QString out = parser.value(QString::fromLatin1(onnx ? "onnx" : "model"));
            if (out.isEmpty())
                throw UsageError(onnx ? "--onnx needs a file name" : "--model needs a file name");
            ModelService service(*project, project->database());
            const std::int64_t version =
                service.exportLatest(out, onnx ? ModelExportFormat::Onnx : ModelExportFormat::TorchScript);
            context.out() << "exported model version " << version << " to " << out << " (+ " << out << ".json)"
                          << Qt::endl;
            return 0;
        }
        if (parser.isSet(QStringLiteral("labels"))) {
            const QString out = parser.value(QStringLiteral("labels"));
            const bool json = out.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
            if (!json && !out.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
                throw UsageError("--labels needs a file name ending in .csv or .json, not '" + out.toStdString() + "'");
            const std::size_t rows = json ? LabelExporter::writeJson(*project, Context::toPath(out))
                                          : LabelExporter::writeCsv(*project, Context::toPath(out));
            context.out() << "exported " << rows << " labels to " << out << Qt::endl;
            return 0;
        }
        if (parser.isSet(QStringLiteral("image-folder"))) {
            const QString dir = parser.value(QStringLiteral("image-folder"));
            fetchMissingImages(*project, project->database()); // a team project: into this client's cache first
            const ImageFolderPlan plan = LabelExporter::planImageFolder(*project);
            const std::size_t rows =
                LabelExporter::writePlannedFiles(plan, Context::toPath(dir), parser.isSet(QStringLiteral("symlinks")),
                                                 context.progressPrinter(QStringLiteral("export")),
                                                 project->imageCache().get());
            if (rows < plan.files.size()) {
                context.err() << "export: interrupted after " << rows << " of " << plan.files.size()
                              << " images (those written stay in " << dir << ")" << Qt::endl;
                return 130;
            }
            context.out() << "exported " << rows << " labelled images to " << dir << Qt::endl;
            return 0;
        }
        const QString dir = parser.value(QStringLiteral("metrics"));
        const MetricsReport report = MetricsReport::read(*project, project->database());
        QStringList files = report.writeCsv(dir);
        MetricsPanel panel;
        panel.setAccuracy(report.accuracy);
        panel.setRounds(report.rounds);
        panel.setPerClassAccuracy(report.perClassAccuracy);
        panel.setClassBalance(report.classBalance);
        panel.setConfusion(report.confusion);
        panel.setThroughput(report.throughput);
        QString error;
        const QStringList plots = panel.savePlots(dir, &error);
        if (!error.isEmpty())
            throw std::runtime_error(error.toStdString());
        files << plots;
        for (const QString &f : files)
            context.out() << f << "\n";
        context.out().flush();
        return 0;
    }
};

} // namespace

std::unique_ptr<Command> makeExportCommand()
{
    return std::make_unique<ExportCommand>();
}

} // namespace activelabel::cli
