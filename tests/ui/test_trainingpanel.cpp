// The training panel's semi-supervised toggle: off by default (it did not win on the protocol,
// docs/benchmarks.md), carried in the settings both ways, and announced when the user flips it.
#include "ui/trainingpanel.h"

#include <QCheckBox>
#include <QSignalSpy>
#include <QtTest>

using namespace activelabel;

class TestTrainingPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void semiSupervisedToggleIsOffByDefault()
    {
        TrainingPanel panel;
        auto *check = panel.findChild<QCheckBox *>(QStringLiteral("semiSupervisedCheck"));
        QVERIFY(check);
        QVERIFY(!check->isChecked());
        QVERIFY(!panel.settings().semiSupervised);
        QVERIFY(!TrainingSettings{}.semiSupervised);
    }

    void semiSupervisedToggleRoundTrips()
    {
        TrainingPanel panel;
        auto *check = panel.findChild<QCheckBox *>(QStringLiteral("semiSupervisedCheck"));
        QVERIFY(check);
        qRegisterMetaType<activelabel::TrainingSettings>();
        QSignalSpy changed(&panel, &TrainingPanel::settingsChanged);
        check->click();
        QCOMPARE(changed.count(), 1);
        QVERIFY(changed.at(0).at(0).value<TrainingSettings>().semiSupervised);

        TrainingSettings s = panel.settings();
        s.semiSupervised = false;
        panel.setSettings(s); // programmatic: no signal
        QVERIFY(!check->isChecked());
        QCOMPARE(changed.count(), 1);
    }
};

QTEST_MAIN(TestTrainingPanel)
#include "test_trainingpanel.moc"
